CREATE TABLE kept_review_log (id bigserial PRIMARY KEY, noted text NOT NULL);
INSERT INTO kept_review_log (noted) VALUES ('seeded');
