ALTER TABLE report ADD COLUMN owner text;
