CREATE TABLE review_log (id bigserial PRIMARY KEY, noted text NOT NULL);
INSERT INTO review_log (noted) VALUES ('seeded');
