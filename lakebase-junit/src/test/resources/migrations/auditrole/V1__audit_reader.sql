CREATE ROLE audit_reader;
CREATE TABLE audit_log (id bigserial PRIMARY KEY, entry text NOT NULL);
GRANT SELECT ON audit_log TO audit_reader;
