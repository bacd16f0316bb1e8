CREATE TABLE build (token uuid NOT NULL);
INSERT INTO build VALUES (gen_random_uuid());
CREATE TABLE item (id integer PRIMARY KEY);
