CREATE TABLE mail_template (body text NOT NULL);
INSERT INTO mail_template VALUES ('Dear ${name}, your order has shipped.');
