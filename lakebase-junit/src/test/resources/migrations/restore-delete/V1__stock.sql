-- Small tables, which a restore empties with DELETE until they gather too many dead rows; autovacuum off,
-- as some applications set it, so that only the restore reclaims them.
CREATE TABLE stock (id integer PRIMARY KEY, sku text NOT NULL, quantity integer NOT NULL)
    WITH (autovacuum_enabled = false);
INSERT INTO stock SELECT g, 'sku-' || g, g FROM generate_series(1, 400) g;
CREATE TABLE movement (id integer PRIMARY KEY, stock_id integer NOT NULL REFERENCES stock, quantity integer NOT NULL);
INSERT INTO movement SELECT g, g, -1 FROM generate_series(1, 40) g;

-- A rule that a DELETE runs whatever session_replication_role says: its table is truncated instead. (The
-- table it writes to comes first, so that a restore that ran the rule would leave rows in it.)
CREATE TABLE ledger_audit (id bigserial PRIMARY KEY, note text NOT NULL);
CREATE TABLE ledger (id integer PRIMARY KEY, note text NOT NULL);
INSERT INTO ledger SELECT g, 'entry ' || g FROM generate_series(1, 20) g;
CREATE RULE ledger_deleted AS ON DELETE TO ledger DO ALSO INSERT INTO ledger_audit (note) VALUES ('deleted ' || OLD.id);
ALTER TABLE ledger ENABLE ALWAYS RULE ledger_deleted;

-- A rule as CREATE RULE makes it (enabled for ordinary sessions only), on a table without triggers: a DELETE
-- runs it unless session_replication_role is replica. (Its table comes first, as above.)
CREATE TABLE journal_audit (id bigserial PRIMARY KEY, note text NOT NULL);
CREATE TABLE journal (id integer PRIMARY KEY, note text NOT NULL);
INSERT INTO journal SELECT g, 'line ' || g FROM generate_series(1, 20) g;
CREATE RULE journal_deleted AS ON DELETE TO journal DO ALSO INSERT INTO journal_audit (note) VALUES ('deleted ' || OLD.id);

-- A table without triggers or rules, whose restores the statistics must see exactly: each test changes one row.
CREATE TABLE label (id integer PRIMARY KEY, text text NOT NULL);
INSERT INTO label SELECT g, 'label ' || g FROM generate_series(1, 10) g;

-- A small table whose tests rewrite every row, or add many: the dead rows a restore's DELETE leaves behind must
-- stay in proportion to its 100 rows (autovacuum off, as above).
CREATE TABLE shelf (id integer PRIMARY KEY, name text NOT NULL) WITH (autovacuum_enabled = false);
INSERT INTO shelf SELECT g, 'shelf ' || g FROM generate_series(1, 100) g;
