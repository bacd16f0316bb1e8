-- What each location holds, for the stock screen.
CREATE VIEW stock_per_location AS
SELECT location_code, count(*) AS items
FROM stock
GROUP BY location_code;
