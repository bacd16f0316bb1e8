-- Written as many projects write it: a role that exists only once the first base is built.
CREATE ROLE report_reader;
CREATE TABLE report (id bigserial PRIMARY KEY, title text NOT NULL);
GRANT SELECT ON report TO report_reader;
-- Tells one build of this migration from another.
CREATE TABLE build (token uuid NOT NULL);
INSERT INTO build VALUES (gen_random_uuid());
