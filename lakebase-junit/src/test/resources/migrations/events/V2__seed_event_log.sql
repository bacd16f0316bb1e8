INSERT INTO event_log (happened) VALUES ('seeded');
