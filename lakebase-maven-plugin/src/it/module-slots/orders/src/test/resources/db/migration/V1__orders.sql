CREATE TABLE orders (id bigint PRIMARY KEY, placed date NOT NULL);
