CREATE TABLE purchase (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customer (id),
    amount numeric(10, 2) NOT NULL
);
