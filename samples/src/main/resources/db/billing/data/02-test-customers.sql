--liquibase formatted sql

--changeset billing:test-customers context:test
INSERT INTO customer (id, name) VALUES (1, 'Ada Lovelace'), (2, 'Grace Hopper') ON CONFLICT (id) DO NOTHING;
INSERT INTO invoice (id, customer_id, amount, paid) VALUES
    (1, 1, 120.00, false), (2, 1, 80.00, true), (3, 2, 42.50, false)
    ON CONFLICT (id) DO NOTHING;
SELECT setval(pg_get_serial_sequence('invoice', 'id'), 3);
