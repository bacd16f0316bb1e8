CREATE TABLE inventory (
    id             bigserial PRIMARY KEY,
    inventory_code text NOT NULL,
    quantity       integer NOT NULL DEFAULT 0
);

INSERT INTO inventory (inventory_code, quantity) VALUES
    ('L042B0917S000123', 5),
    ('L042B0917S000124', 3),
    ('L007B1203S000001', 12);
