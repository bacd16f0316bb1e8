ALTER TABLE item ADD COLUMN code text;
