CREATE TABLE customer (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO customer SELECT g, 'customer ' || g FROM generate_series(1, 500) g;
