-- Twenty years of inventory, the way production has it: 300,000 rows whose codes follow the pattern
-- L042B0917S000123, and the artifacts that history leaves behind. Seeded, so every run builds the
-- same data.
--
--   codes from the old label printer, with dashes (L042-B0917-S000123)   10% of the oldest 100,000 rows
--   codes typed in lowercase (l042b0917s000123)                            2%
--   codes with leading or trailing blanks from a CSV import                 1.5%
--   stock never labelled: NULL                                              0.5%
--   relabelled items: the code of the row before, duplicated                every 500th row
SET max_parallel_workers_per_gather = 0;   -- one process, so random() follows the seed row by row
SELECT setseed(0.42);

INSERT INTO inventory (inventory_code, quantity, received_at)
SELECT CASE
           WHEN r < 0.02 THEN lower(location || batch || serial)
           WHEN r < 0.035 THEN '  ' || location || batch || serial || ' '
           WHEN r < 0.04 THEN NULL
           WHEN g <= 100000 AND r >= 0.90 THEN location || '-' || batch || '-' || serial
           ELSE location || batch || serial
       END,
       quantity,
       timestamptz '2006-01-01 00:00:00+00' + g * interval '17 minutes'
FROM (SELECT g,
             random() AS r,
             'L' || lpad(floor(random() * 250)::int::text, 3, '0') AS location,
             'B' || lpad((1 + floor(random() * 400))::int::text, 4, '0') AS batch,
             'S' || lpad(g::text, 6, '0') AS serial,
             floor(random() * 100)::int AS quantity
      FROM generate_series(1, 300000) AS g) AS generated
ORDER BY g;

UPDATE inventory i SET inventory_code = p.inventory_code
FROM inventory p
WHERE p.id = i.id - 1 AND i.id % 500 = 0;

RESET max_parallel_workers_per_gather;
ANALYZE inventory;
