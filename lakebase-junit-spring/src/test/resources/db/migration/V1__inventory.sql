CREATE TABLE inventory (
    id             bigserial PRIMARY KEY,
    inventory_code text NOT NULL UNIQUE,
    quantity       int  NOT NULL DEFAULT 0
);
INSERT INTO inventory (inventory_code, quantity) VALUES ('L042B0917S000123', 12), ('L007B1203S004511', 40);
