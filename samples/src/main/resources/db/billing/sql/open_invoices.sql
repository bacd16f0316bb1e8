CREATE OR REPLACE VIEW open_invoices AS
SELECT c.name AS customer, sum(i.amount) AS open_amount
FROM invoice i
JOIN customer c ON c.id = i.customer_id
WHERE NOT i.paid
GROUP BY c.name;
