CREATE TABLE audit_entry (id bigserial PRIMARY KEY, tenant text NOT NULL DEFAULT '${tenant}');
