-- A migration on the file system, not the class path: spring.flyway.locations=filesystem:src/test/flyway-files.
CREATE TABLE account (
    id   bigserial PRIMARY KEY,
    name text NOT NULL
);
INSERT INTO account (name) VALUES ('first');
