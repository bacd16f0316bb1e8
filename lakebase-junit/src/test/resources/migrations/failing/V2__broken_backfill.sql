INSERT INTO orders (total) SELECT amount FROM missing_payments;
