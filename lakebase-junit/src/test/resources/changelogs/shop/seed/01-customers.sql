--liquibase formatted sql

--changeset carol:3 context:test labels:demo
INSERT INTO customer (name) VALUES ('Ada'), ('Grace');
