CREATE TABLE parcels (id bigint PRIMARY KEY, weight_grams int NOT NULL);
