CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric(10, 2) NOT NULL);
INSERT INTO orders (total) VALUES (10.00), (20.50);
