INSERT INTO ledger_account (id, name) VALUES (1, 'cash') ON CONFLICT (id) DO NOTHING;
CREATE OR REPLACE VIEW ledger_account_names AS SELECT name FROM ledger_account;
