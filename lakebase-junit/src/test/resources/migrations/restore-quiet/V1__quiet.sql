-- A function whose writes PostgreSQL's statistics never count: a restore cannot see them.
CREATE TABLE note (id integer PRIMARY KEY, body text NOT NULL);
INSERT INTO note VALUES (1, 'base');
CREATE FUNCTION quiet_insert(n integer) RETURNS void LANGUAGE sql SET track_counts = off
    AS $$ INSERT INTO note VALUES (n, 'leaked') $$;
