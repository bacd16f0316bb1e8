CREATE TABLE orders (
    id       bigserial PRIMARY KEY,
    customer text NOT NULL
);
INSERT INTO orders (customer) VALUES ('acme'), ('globex');
