-- Not a migration when the prefix is M: never applied.
ALTER TABLE account ADD COLUMN email text;
