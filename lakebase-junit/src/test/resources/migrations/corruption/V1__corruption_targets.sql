-- Tables for the Corruption tests: ten thousand inventory-like codes, one in a hundred NULL, and the
-- shapes Corruption must refuse or handle (no primary key, a composite key, a length limit, a check).
CREATE TABLE item (
    id         bigint PRIMARY KEY,
    code       text,
    original   text,
    quantity   integer NOT NULL DEFAULT 0,
    label      varchar(16) NOT NULL,
    code_upper text GENERATED ALWAYS AS (upper(code)) STORED
);
INSERT INTO item (id, code, original, quantity, label)
SELECT g, c, c, g % 50, l
FROM generate_series(1, 10000) g,
LATERAL (SELECT 'L' || lpad((g % 250)::text, 3, '0') || 'B' || lpad((g % 1200)::text, 4, '0')
                || 'S' || lpad(g::text, 6, '0') AS l) label,
LATERAL (SELECT CASE WHEN g % 100 = 0 THEN NULL ELSE l END AS c) code;

CREATE TABLE pair (region text, number integer, code text NOT NULL, PRIMARY KEY (region, number));
INSERT INTO pair SELECT 'r' || (g % 7), g, 'P-' || g FROM generate_series(1, 200) g;

CREATE TABLE log_line (line text);
INSERT INTO log_line SELECT 'line ' || g FROM generate_series(1, 10) g;

CREATE TABLE tag (name text PRIMARY KEY, note text);
INSERT INTO tag VALUES ('red', 'warm'), ('blue', 'cold');

CREATE TABLE unlabelled (id integer PRIMARY KEY, code text);
INSERT INTO unlabelled VALUES (1, NULL), (2, NULL);

CREATE TABLE strict_code (id integer PRIMARY KEY, code text CHECK (length(code) = 16));
INSERT INTO strict_code SELECT g, 'L042B0917S' || lpad(g::text, 6, '0') FROM generate_series(1, 100) g;

CREATE VIEW item_codes AS SELECT id, code FROM item;

CREATE SCHEMA archive;
CREATE TABLE archive."Old Item" (id integer PRIMARY KEY, code text);
INSERT INTO archive."Old Item" SELECT g, 'OLD' || g FROM generate_series(1, 100) g;
