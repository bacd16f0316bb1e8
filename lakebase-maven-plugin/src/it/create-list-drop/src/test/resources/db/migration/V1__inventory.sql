CREATE TABLE inventory (id bigint PRIMARY KEY, code text NOT NULL);
INSERT INTO inventory VALUES (1, 'L042B0917S000123');
