ALTER TABLE ledger ADD COLUMN owner text;
