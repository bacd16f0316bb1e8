-- What the legacy database has already: at or below spring.flyway.baseline-version, never applied.
CREATE TABLE account (
    id   bigserial PRIMARY KEY,
    name text NOT NULL
);
