-- Comes after V1 and V2, Java migrations that are Spring beans of the application.
CREATE INDEX event_kind ON event (kind);
INSERT INTO event (kind) VALUES ('indexed');
