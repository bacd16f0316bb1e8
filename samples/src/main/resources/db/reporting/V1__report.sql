CREATE TABLE customer_report (
    customer text PRIMARY KEY,
    orders   int NOT NULL,
    revenue  numeric(12, 2) NOT NULL
);
