-- A small shop, with one of every kind of object SchemaDiff compares.
CREATE TYPE order_status AS ENUM ('open', 'paid', 'shipped');
CREATE DOMAIN sku AS text CHECK (VALUE ~ '^[A-Z]{3}-[0-9]{4}$');
CREATE DOMAIN legacy_code AS varchar(12) NOT NULL;

CREATE TABLE customer (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE product (
    sku        sku PRIMARY KEY,
    title      text NOT NULL,
    price      numeric(10, 2) NOT NULL CHECK (price >= 0),
    stock      integer NOT NULL DEFAULT 0
);

CREATE TABLE orders (
    id          bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customer (id),
    status      order_status NOT NULL DEFAULT 'open',
    placed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_idx ON orders (customer_id);

CREATE TABLE order_line (
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sku      sku NOT NULL REFERENCES product (sku),
    quantity integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, sku)
);

CREATE SEQUENCE invoice_number START 1000 INCREMENT 1;

CREATE VIEW open_orders AS
    SELECT o.id, c.email, o.placed_at
    FROM orders o JOIN customer c ON c.id = o.customer_id
    WHERE o.status = 'open';

CREATE MATERIALIZED VIEW product_sales AS
    SELECT l.sku, sum(l.quantity) AS sold FROM order_line l GROUP BY l.sku;

CREATE FUNCTION order_total(order_id bigint) RETURNS numeric
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(sum(l.quantity * p.price), 0) FROM order_line l JOIN product p USING (sku) WHERE l.order_id = $1 $$;

CREATE FUNCTION take_stock() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE product SET stock = stock - NEW.quantity WHERE sku = NEW.sku;
    RETURN NEW;
END;
$$;

CREATE TRIGGER order_line_takes_stock AFTER INSERT ON order_line
    FOR EACH ROW EXECUTE FUNCTION take_stock();

CREATE PROCEDURE close_order(order_id bigint)
    LANGUAGE sql
    AS $$ UPDATE orders SET status = 'shipped' WHERE id = order_id $$;
