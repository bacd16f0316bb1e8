CREATE TABLE tool_log (id bigserial PRIMARY KEY, noted text NOT NULL);
