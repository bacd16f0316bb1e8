CREATE TABLE product (id integer PRIMARY KEY, title text NOT NULL);
INSERT INTO product VALUES (1, 'kettle');
