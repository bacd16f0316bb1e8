INSERT INTO owners (name) VALUES ('George Franklin'), ('Betty Davis');
