-- A naive release 2, the one written after looking at production's codes: it knows about lowercase codes,
-- blanks around them and the dashes of the old label printer, and splits by position. It has never seen a
-- code that lost a digit, has a blank inside or was cut short, and it says nothing when it meets one.
ALTER TABLE inventory
    ADD COLUMN location_code text,
    ADD COLUMN batch_number  text,
    ADD COLUMN serial_number text;

UPDATE inventory SET
    location_code = substr(upper(replace(btrim(inventory_code), '-', '')), 1, 4),
    batch_number  = substr(upper(replace(btrim(inventory_code), '-', '')), 5, 5),
    serial_number = substr(upper(replace(btrim(inventory_code), '-', '')), 10);
