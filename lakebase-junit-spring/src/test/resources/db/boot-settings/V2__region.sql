-- A setting of the database itself, which lives outside the database's files.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET app.region = %L', current_database(), 'eu');
END $$;
