--liquibase formatted sql

--changeset app:1
CREATE TABLE account (
    id     bigserial PRIMARY KEY,
    name   text NOT NULL,
    tenant text NOT NULL DEFAULT '${tenant}'
);

--changeset app:2 context:test
INSERT INTO account (name) VALUES ('test-fixture');

--changeset app:3 context:production
INSERT INTO account (name) VALUES ('production-only');
