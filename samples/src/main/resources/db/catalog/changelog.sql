--liquibase formatted sql

--changeset catalog:1
CREATE TABLE product (
    sku      text PRIMARY KEY,
    name     text NOT NULL,
    price    numeric(10, 2) NOT NULL,
    currency text NOT NULL DEFAULT '${currency}',
    active   boolean NOT NULL DEFAULT true
);

--changeset catalog:2
INSERT INTO product (sku, name, price) VALUES
    ('SKU-1001', 'Pallet jack', 389.00),
    ('SKU-1002', 'Label printer', 129.50),
    ('SKU-1003', 'Shelf, 5 levels', 74.90);

--changeset catalog:3 context:demo
INSERT INTO product (sku, name, price) VALUES ('SKU-DEMO', 'Showroom sample', 0.00);
