CREATE TABLE catalogue (id integer PRIMARY KEY);

DO $$
BEGIN
    EXECUTE format('COMMENT ON DATABASE %I IS %L', current_database(), 'shop catalogue');
    EXECUTE format('ALTER DATABASE %I CONNECTION LIMIT 50', current_database());
END $$;
