CREATE USER audit_reader;
CREATE TABLE audit_trail (id bigserial PRIMARY KEY);
