-- Release 2, expand: split inventory_code into location_code, batch_number and serial_number.
--
-- inventory_code stays, and a trigger keeps both in sync while readers and writers move over;
-- release 3 drops it. Safe to run again on a database where it already ran, wholly or in part.

ALTER TABLE inventory
    ADD COLUMN IF NOT EXISTS location_code text,
    ADD COLUMN IF NOT EXISTS batch_number  text,
    ADD COLUMN IF NOT EXISTS serial_number text;

-- How a code is read, whatever history did to it: spaces anywhere and dashes (old label printers)
-- are dropped, letters upper-cased, and what is left must be L + 3 digits, B + 4 digits, S + 6 digits.
-- Returns the code as it should have been written, L042B0917S000123, or NULL when it does not read.
CREATE OR REPLACE FUNCTION inventory_code_canonical(code text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN upper(translate(code, ' -', '')) ~ '^L[0-9]{3}B[0-9]{4}S[0-9]{6}$'
            THEN upper(translate(code, ' -', '')) END;

-- Backfill before the trigger exists, so that filling the new columns never rewrites the old one.
DROP TRIGGER IF EXISTS inventory_sync_code ON inventory;

UPDATE inventory i
SET (location_code, batch_number, serial_number) = (SELECT substr(c, 1, 4), substr(c, 5, 5), substr(c, 10, 7)
                                                    FROM inventory_code_canonical(i.inventory_code) AS c)
WHERE i.location_code IS NULL AND i.inventory_code IS NOT NULL;

-- Codes that do not read are kept as they are, and listed for a person to fix.
CREATE TABLE IF NOT EXISTS inventory_code_rejects (
    inventory_id   bigint      PRIMARY KEY REFERENCES inventory (id) ON DELETE CASCADE,
    inventory_code text        NOT NULL,
    found_at       timestamptz NOT NULL DEFAULT now()
);

INSERT INTO inventory_code_rejects (inventory_id, inventory_code)
SELECT id, inventory_code FROM inventory WHERE inventory_code IS NOT NULL AND location_code IS NULL
ON CONFLICT (inventory_id) DO NOTHING;

ALTER TABLE inventory DROP CONSTRAINT IF EXISTS inventory_code_parts_valid;
ALTER TABLE inventory ADD CONSTRAINT inventory_code_parts_valid CHECK (
    (location_code IS NULL AND batch_number IS NULL AND serial_number IS NULL)
    OR (location_code ~ '^L[0-9]{3}$' AND batch_number ~ '^B[0-9]{4}$' AND serial_number ~ '^S[0-9]{6}$'));

CREATE INDEX IF NOT EXISTS inventory_location_batch_idx ON inventory (location_code, batch_number);
CREATE INDEX IF NOT EXISTS inventory_serial_number_idx ON inventory (serial_number);

-- During the transition: a writer of the old column gets the new ones filled in, a writer of the
-- new columns gets the old one composed.
CREATE OR REPLACE FUNCTION inventory_sync_code() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    canonical text;
BEGIN
    IF (TG_OP = 'INSERT' AND NEW.inventory_code IS NULL AND NEW.location_code IS NOT NULL)
        OR (TG_OP = 'UPDATE' AND NEW.inventory_code IS NOT DISTINCT FROM OLD.inventory_code
            AND (NEW.location_code, NEW.batch_number, NEW.serial_number)
                IS DISTINCT FROM (OLD.location_code, OLD.batch_number, OLD.serial_number)) THEN
        NEW.inventory_code := NEW.location_code || NEW.batch_number || NEW.serial_number;
    ELSIF TG_OP = 'INSERT' OR NEW.inventory_code IS DISTINCT FROM OLD.inventory_code THEN
        canonical := inventory_code_canonical(NEW.inventory_code);
        NEW.location_code := substr(canonical, 1, 4);
        NEW.batch_number := substr(canonical, 5, 5);
        NEW.serial_number := substr(canonical, 10, 7);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER inventory_sync_code BEFORE INSERT OR UPDATE ON inventory
    FOR EACH ROW EXECUTE FUNCTION inventory_sync_code();
