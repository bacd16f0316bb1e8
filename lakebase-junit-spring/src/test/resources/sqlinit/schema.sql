CREATE TABLE owners (
    id   bigserial PRIMARY KEY,
    name text NOT NULL
);
