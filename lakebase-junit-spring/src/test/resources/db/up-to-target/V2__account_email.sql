-- Beyond spring.flyway.target=1: never applied.
ALTER TABLE account ADD COLUMN email text;
