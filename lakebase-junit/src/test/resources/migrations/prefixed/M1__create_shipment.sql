CREATE TABLE shipment (id integer PRIMARY KEY);
