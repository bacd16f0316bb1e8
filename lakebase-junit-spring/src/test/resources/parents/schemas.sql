-- The schemas a database administrator created for the application before it ever ran.
CREATE SCHEMA billing;
CREATE SCHEMA audit;
