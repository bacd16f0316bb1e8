-- A schema with what makes restoring rows hard: identity and generated columns, a foreign key, a trigger
-- that writes to another table, partitions, a materialized view, sequences called and never called, and
-- a second schema.
CREATE TABLE customer (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    name_upper text GENERATED ALWAYS AS (upper(name)) STORED
);
CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customer (id),
    placed date NOT NULL
);
CREATE TABLE audit_log (id serial PRIMARY KEY, what text NOT NULL);
CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (what) VALUES (TG_OP || ' ' || TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE TRIGGER customer_audit AFTER INSERT OR UPDATE OR DELETE ON customer
    FOR EACH ROW EXECUTE FUNCTION audit();

CREATE TABLE event (id bigint NOT NULL, at date NOT NULL, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE event_2025 PARTITION OF event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE event_2026 PARTITION OF event FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

CREATE SCHEMA billing;
CREATE TABLE billing.invoice (number integer PRIMARY KEY, order_id integer REFERENCES orders (id), total numeric(10, 2));

CREATE SEQUENCE ticket_seq START 100;
CREATE SEQUENCE invoice_seq;

INSERT INTO customer (name) VALUES ('ada'), ('grace'), ('linus');
INSERT INTO orders (customer_id, placed) VALUES (1, '2026-01-02'), (1, '2026-02-03'), (2, '2026-03-04'), (3, '2026-04-05');
INSERT INTO event VALUES (1, '2025-06-01', '{"kind": "signup"}'), (2, '2026-06-01', '{"kind": "order"}');
INSERT INTO billing.invoice VALUES (1, 1, 10.50), (2, 3, 99.99);
SELECT nextval('invoice_seq'), nextval('invoice_seq');
UPDATE customer SET name = 'grace hopper' WHERE id = 2;
DELETE FROM orders WHERE id = 4;

CREATE MATERIALIZED VIEW customer_count AS SELECT count(*) AS n FROM customer;
