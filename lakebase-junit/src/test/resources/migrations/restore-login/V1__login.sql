-- A login event trigger (PostgreSQL 17 and later): every session writes a row as it starts, also the
-- library's own.
CREATE TABLE login_log (id serial PRIMARY KEY, who text NOT NULL DEFAULT current_user);
CREATE FUNCTION log_login() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO login_log DEFAULT VALUES;
END $$;
CREATE EVENT TRIGGER on_login ON login EXECUTE FUNCTION log_login();
