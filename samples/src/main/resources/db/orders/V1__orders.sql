CREATE TABLE orders (
    id       bigserial PRIMARY KEY,
    customer text NOT NULL,
    total    numeric(10, 2) NOT NULL
);
INSERT INTO orders (customer, total) VALUES ('Acme', 1200.00), ('Globex', 340.50), ('Acme', 99.90);
