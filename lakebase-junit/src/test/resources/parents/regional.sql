DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET app.region = %L', current_database(), 'eu');
END $$;
