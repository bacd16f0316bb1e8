--liquibase formatted sql

--changeset billing:currencies
CREATE TABLE IF NOT EXISTS currency (code char(3) PRIMARY KEY, name text NOT NULL);
INSERT INTO currency VALUES ('EUR', 'Euro'), ('USD', 'US dollar'), ('GBP', 'Pound sterling')
    ON CONFLICT (code) DO NOTHING;
