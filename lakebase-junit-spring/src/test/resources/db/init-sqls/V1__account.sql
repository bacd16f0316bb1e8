-- app.tenant is set by spring.flyway.init-sqls on the connection Flyway migrates with.
CREATE TABLE account (
    id     bigserial PRIMARY KEY,
    name   text NOT NULL,
    tenant text NOT NULL
);
INSERT INTO account (name, tenant) VALUES ('first', current_setting('app.tenant'));
