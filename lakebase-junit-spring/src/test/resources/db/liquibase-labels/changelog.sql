--liquibase formatted sql

--changeset app:1
CREATE TABLE account (
    id   bigserial PRIMARY KEY,
    name text NOT NULL
);

--changeset app:2 labels:core
INSERT INTO account (name) VALUES ('core');

--changeset app:3 labels:demo
INSERT INTO account (name) VALUES ('demo');
