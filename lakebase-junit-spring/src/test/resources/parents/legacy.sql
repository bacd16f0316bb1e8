-- A database that was there before the application used Flyway or Liquibase: a table with data, no history.
CREATE TABLE account (
    id   bigserial PRIMARY KEY,
    name text NOT NULL
);
INSERT INTO account (name) VALUES ('legacy');
CREATE TABLE old_report (id bigserial PRIMARY KEY);
