-- Release 3, contract: every reader and writer uses location_code, batch_number and serial_number,
-- so inventory_code and what kept it in sync go. inventory_code_rejects keeps the codes that never
-- read, for the people who fix them. Safe to run again.
DROP TRIGGER IF EXISTS inventory_sync_code ON inventory;
DROP FUNCTION IF EXISTS inventory_sync_code();
ALTER TABLE inventory DROP COLUMN IF EXISTS inventory_code;
DROP FUNCTION IF EXISTS inventory_code_canonical(text);
