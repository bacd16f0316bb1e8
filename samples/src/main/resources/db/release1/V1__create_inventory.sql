-- Release 1, what production runs today: an inventory code packs three things into one string,
-- location L + 3 digits, batch B + 4 digits, serial S + 6 digits, for example L042B0917S000123.
CREATE TABLE inventory (
    id             bigserial PRIMARY KEY,
    inventory_code text,                                   -- NULL for stock that was never labelled
    quantity       integer     NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    received_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX inventory_code_idx ON inventory (inventory_code);
