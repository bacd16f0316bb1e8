-- Roles are shared by every database of the server: created only where missing.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shop_owner') THEN
        CREATE ROLE shop_owner;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shop_reader') THEN
        CREATE ROLE shop_reader;
    END IF;
END $$;

CREATE SCHEMA shop;
CREATE TABLE shop.product (id integer PRIMARY KEY, title text NOT NULL);
INSERT INTO shop.product VALUES (1, 'kettle');

-- Settings of the database itself, and of a role in it, which live outside the database's files.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET search_path = shop, public', current_database());
    EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'Europe/Berlin');
    EXECUTE format('ALTER DATABASE %I SET app.tenant = %L', current_database(), 'acme');
    EXECUTE format('ALTER ROLE CURRENT_USER IN DATABASE %I SET work_mem = %L', current_database(), '7MB');
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO shop_reader', current_database());
    EXECUTE format('ALTER DATABASE %I OWNER TO shop_owner', current_database());
END $$;
