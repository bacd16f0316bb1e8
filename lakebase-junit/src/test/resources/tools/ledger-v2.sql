-- The next version of the ledger: partitions, security, storage and definitions beyond tables and columns.
-- Partitions: January leaves, March takes April too, May is split by id, and an index on every month.
ALTER TABLE entry DETACH PARTITION entry_2025_01;
ALTER TABLE entry DETACH PARTITION entry_2025_03;
ALTER TABLE entry ATTACH PARTITION entry_2025_03 FOR VALUES FROM ('2025-03-01') TO ('2025-05-01');
CREATE TABLE entry_2025_05 PARTITION OF entry FOR VALUES FROM ('2025-05-01') TO ('2025-06-01') PARTITION BY RANGE (id);
CREATE TABLE entry_2025_05_low PARTITION OF entry_2025_05 FOR VALUES FROM (MINVALUE) TO (1000000);
CREATE TABLE entry_2025_05_rest PARTITION OF entry_2025_05 DEFAULT;
CREATE TABLE fx_rate_usd PARTITION OF fx_rate FOR VALUES IN ('USD', 'CAD');
CREATE INDEX entry_booked_idx ON entry (booked_on);
ALTER TABLE entry DISABLE TRIGGER entry_checked;

-- Definitions: a rounding balance, a case-sensitive branch code, vouchers numbered from 1000.
CREATE OR REPLACE AGGREGATE balance(numeric) (SFUNC = add_rounded, STYPE = numeric, INITCOND = '0');
CREATE AGGREGATE largest_amount(numeric) (SFUNC = numeric_larger, STYPE = numeric, COMBINEFUNC = numeric_larger,
    PARALLEL = SAFE);
ALTER TABLE account ALTER COLUMN branch_code TYPE text COLLATE "C";
ALTER TABLE account ALTER COLUMN id SET START WITH 1000 SET INCREMENT BY 10;
CREATE DOMAIN currency_code AS text COLLATE "C" CONSTRAINT currency_code_format CHECK (VALUE ~ '^[A-Z]{3}$');
COMMENT ON TABLE account IS 'One row per customer account';
CREATE TABLE "Audit Log" ("When" timestamptz NOT NULL DEFAULT now(), "user" name NOT NULL DEFAULT current_user);
CREATE TABLE closed_account (closed_on date NOT NULL) INHERITS (account);
CREATE RULE account_kept AS ON DELETE TO account DO INSTEAD NOTHING;

-- Security: accounts by branch, balances as the caller, clerks that write, readers of vouchers.
ALTER TABLE account ENABLE ROW LEVEL SECURITY;
ALTER TABLE account FORCE ROW LEVEL SECURITY;
CREATE POLICY account_own_branch ON account AS RESTRICTIVE FOR SELECT TO ledger_reader, ledger_clerk
    USING (branch_code = current_setting('ledger.branch'));
CREATE POLICY account_clerk_writes ON account FOR INSERT TO ledger_clerk WITH CHECK (branch_code <> '');
ALTER VIEW account_balance SET (security_invoker = true);
GRANT INSERT ON account TO ledger_reader;
REVOKE SELECT ON entry FROM ledger_reader;
GRANT UPDATE (holder) ON account TO ledger_clerk;
GRANT USAGE, SELECT ON SEQUENCE voucher_number TO ledger_reader;
REVOKE EXECUTE ON FUNCTION add_amount(numeric, numeric) FROM PUBLIC;
GRANT CREATE ON SCHEMA public TO ledger_clerk;
ALTER DEFAULT PRIVILEGES FOR ROLE ledger_owner IN SCHEMA public GRANT INSERT ON TABLES TO ledger_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE ledger_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Storage and planning.
ALTER TABLE account SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.05);
ALTER TABLE account REPLICA IDENTITY FULL;
ALTER TABLE account ALTER COLUMN holder SET STATISTICS 500;
CREATE INDEX account_holder_idx ON account (holder) WITH (fillfactor = 50);
CREATE STATISTICS account_holder_branch (ndistinct) ON holder, branch_code FROM account;
