-- The parent of the run report's tests: stock whose code packs a location and a serial (L042S000123), 20,000 rows.
CREATE TABLE stock (
    id   bigint PRIMARY KEY,
    code text NOT NULL
);

INSERT INTO stock (id, code)
SELECT g, 'L' || lpad((g % 250)::text, 3, '0') || 'S' || lpad(g::text, 6, '0')
FROM generate_series(1, 20000) AS g;
