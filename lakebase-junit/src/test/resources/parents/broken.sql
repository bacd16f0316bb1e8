CREATE TABLE customer (id integer PRIMARY KEY);
INSERT INTO customer VALUES (1), (1);
