-- Known to Spring Boot's Flyway only (spring.flyway.locations), not to @LakebaseBranch.
ALTER TABLE inventory ADD COLUMN reorder_level int NOT NULL DEFAULT 5;
