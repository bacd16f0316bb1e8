-- A small ledger: partitioned tables, an aggregate, row-level security, privileges and storage options,
-- for what SchemaDiff compares beyond tables and columns.
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['ledger_reader', 'ledger_clerk', 'ledger_owner'] LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- roles belong to the server: another base may have made them already
        END;
    END LOOP;
END
$$;

CREATE TABLE account (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    holder      text NOT NULL,
    branch_code text NOT NULL,
    opened_on   date NOT NULL DEFAULT current_date
) WITH (fillfactor = 90);

-- Entries by month, with a default partition for the rest.
CREATE TABLE entry (
    id         bigint NOT NULL,
    account_id bigint NOT NULL REFERENCES account (id),
    booked_on  date NOT NULL,
    amount     numeric(14, 2) NOT NULL CHECK (amount <> 0),
    memo       text,
    PRIMARY KEY (id, booked_on)
) PARTITION BY RANGE (booked_on);
CREATE TABLE entry_2025_01 PARTITION OF entry FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
CREATE TABLE entry_2025_02 PARTITION OF entry FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
CREATE TABLE entry_2025_03 PARTITION OF entry FOR VALUES FROM ('2025-03-01') TO ('2025-04-01');
CREATE TABLE entry_later PARTITION OF entry DEFAULT;
CREATE INDEX entry_account_idx ON entry (account_id);

CREATE FUNCTION entry_checked() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RETURN NEW;
END;
$$;
CREATE TRIGGER entry_checked BEFORE INSERT ON entry FOR EACH ROW EXECUTE FUNCTION entry_checked();

CREATE TABLE fx_rate (
    currency  char(3) NOT NULL,
    quoted_on date NOT NULL,
    rate      numeric NOT NULL
) PARTITION BY LIST (currency);
CREATE TABLE fx_rate_eur PARTITION OF fx_rate FOR VALUES IN ('EUR');
CREATE TABLE fx_rate_other PARTITION OF fx_rate DEFAULT;

CREATE TABLE audit_event (
    id      bigint NOT NULL,
    payload jsonb
) PARTITION BY HASH (id);
CREATE TABLE audit_event_0 PARTITION OF audit_event FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE audit_event_1 PARTITION OF audit_event FOR VALUES WITH (MODULUS 2, REMAINDER 1);

CREATE FUNCTION add_amount(total numeric, amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT total + amount $$;
CREATE FUNCTION add_rounded(total numeric, amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT round(total + amount, 2) $$;
CREATE AGGREGATE balance(numeric) (SFUNC = add_amount, STYPE = numeric, INITCOND = '0');

CREATE VIEW account_balance AS
    SELECT a.id, a.holder, balance(e.amount) AS balance
    FROM account a LEFT JOIN entry e ON e.account_id = a.id
    GROUP BY a.id, a.holder;

CREATE SEQUENCE voucher_number;

GRANT USAGE ON SCHEMA public TO ledger_reader;
GRANT SELECT ON account, entry, account_balance TO ledger_reader;
GRANT SELECT, INSERT ON entry TO ledger_clerk;
GRANT UPDATE (memo) ON entry TO ledger_clerk;
GRANT USAGE ON SEQUENCE voucher_number TO ledger_clerk;
REVOKE EXECUTE ON FUNCTION add_rounded(numeric, numeric) FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE ledger_owner IN SCHEMA public GRANT SELECT ON TABLES TO ledger_reader;
