CREATE TABLE event_log (id bigserial PRIMARY KEY, happened text NOT NULL);
