-- A Flyway placeholder, given by spring.flyway.placeholders.tenant.
CREATE TABLE account (
    id     bigserial PRIMARY KEY,
    name   text NOT NULL,
    tenant text NOT NULL DEFAULT '${tenant}'
);
INSERT INTO account (name) VALUES ('first');
