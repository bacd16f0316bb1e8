CREATE TABLE IF NOT EXISTS ledger_account (id bigint PRIMARY KEY, name text NOT NULL);
ALTER TABLE ledger_account ADD COLUMN IF NOT EXISTS currency text NOT NULL DEFAULT 'EUR';
