-- Run by Spring Boot (spring.sql.init) when the application context starts.
INSERT INTO inventory (inventory_code, quantity) VALUES ('L001B0001S000001', 1) ON CONFLICT DO NOTHING;
