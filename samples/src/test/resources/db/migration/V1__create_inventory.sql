-- The inventory of a warehouse. An inventory code packs three things into one string:
-- location L + 3 digits, batch B + 4 digits, serial S + 6 digits, e.g. L042B0917S000123.
CREATE TABLE inventory (
    id             bigserial PRIMARY KEY,
    inventory_code text        NOT NULL,
    quantity       int         NOT NULL DEFAULT 0,
    created_at     timestamptz DEFAULT now()
);

INSERT INTO inventory (inventory_code, quantity) VALUES
    ('L042B0917S000123', 12),
    ('L042B0917S000124',  3),
    ('L007B1203S004511', 40),
    ('L113B0044S120009',  0),
    ('L250B0917S000777',  7);
