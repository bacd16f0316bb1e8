-- Design B of the split: the parts of a code as rows of a key/value table, one row per inventory item and
-- part, instead of three columns on inventory (design A, release 2). Filled the way release 2 reads a code.
-- Keys and indexes come after the rows, as for any bulk load.
CREATE TABLE inventory_attributes (
    inventory_id bigint NOT NULL,
    name         text   NOT NULL CHECK (name IN ('location', 'batch', 'serial')),
    value        text   NOT NULL
);

INSERT INTO inventory_attributes (inventory_id, name, value)
SELECT i.id, a.name, a.value
FROM inventory i,
     upper(translate(i.inventory_code, ' -', '')) AS c,
     LATERAL (VALUES ('location', substr(c, 1, 4)), ('batch', substr(c, 5, 5)), ('serial', substr(c, 10, 7)))
         AS a (name, value)
WHERE c ~ '^L[0-9]{3}B[0-9]{4}S[0-9]{6}$';

ALTER TABLE inventory_attributes
    ADD PRIMARY KEY (inventory_id, name),
    ADD FOREIGN KEY (inventory_id) REFERENCES inventory (id) ON DELETE CASCADE;
CREATE INDEX inventory_attributes_lookup_idx ON inventory_attributes (name, value);
ANALYZE inventory_attributes;
