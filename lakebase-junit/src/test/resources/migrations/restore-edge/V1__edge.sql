-- What a restore of rows must also get right: sequences set back with is_called false, an XML
-- declaration that COPY's binary format drops, a table referenced by a partitioned table's foreign key,
-- and a column type without a binary COPY format (aclitem).
CREATE TABLE item (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO item (id, name) SELECT g, 'item ' || g FROM generate_series(1, 100) g;
SELECT setval(pg_get_serial_sequence('item', 'id'), 101, false);
CREATE SEQUENCE never_called_seq;

CREATE TABLE doc (id integer PRIMARY KEY, body xml);
INSERT INTO doc VALUES (1, '<?xml version="1.0"?>
<order id="1"/>');

CREATE TABLE region (code text PRIMARY KEY);
INSERT INTO region VALUES ('north'), ('south');
CREATE TABLE sale (id integer NOT NULL, region text NOT NULL REFERENCES region (code), at date NOT NULL)
    PARTITION BY RANGE (at);
CREATE TABLE sale_2026 PARTITION OF sale FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO sale VALUES (1, 'north', '2026-05-01');

CREATE TABLE grant_log (id integer PRIMARY KEY, acl aclitem[]);
INSERT INTO grant_log VALUES (1, '{postgres=arwdDxt/postgres}');
