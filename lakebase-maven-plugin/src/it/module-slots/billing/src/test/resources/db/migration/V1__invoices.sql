CREATE TABLE invoices (id bigint PRIMARY KEY, amount numeric(12, 2) NOT NULL);
