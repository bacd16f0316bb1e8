CREATE TABLE report (
    id    bigserial PRIMARY KEY,
    title text NOT NULL
);
INSERT INTO report (title) VALUES ('monthly');
