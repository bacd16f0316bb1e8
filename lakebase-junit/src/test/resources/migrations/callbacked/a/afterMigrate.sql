CREATE TABLE IF NOT EXISTS migration_run (finished boolean NOT NULL);
INSERT INTO migration_run VALUES (true);
