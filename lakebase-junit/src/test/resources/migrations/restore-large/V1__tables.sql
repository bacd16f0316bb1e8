-- A small table, and one larger than a refill is worth (about 6 MB): a test that changes it gets a new fork.
CREATE TABLE small (id int PRIMARY KEY, n int NOT NULL);
INSERT INTO small SELECT i, i * 10 FROM generate_series(1, 20) i;

CREATE TABLE large (id int PRIMARY KEY, payload text NOT NULL);
INSERT INTO large SELECT i, repeat(md5(i::text), 3) FROM generate_series(1, 50000) i;
