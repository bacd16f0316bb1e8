-- Split the code into its location and its serial, on every row the parent has.
ALTER TABLE stock
    ADD COLUMN location_code text,
    ADD COLUMN serial_number text;

UPDATE stock SET location_code = substr(code, 1, 4), serial_number = substr(code, 5);

CREATE INDEX stock_location_idx ON stock (location_code);
