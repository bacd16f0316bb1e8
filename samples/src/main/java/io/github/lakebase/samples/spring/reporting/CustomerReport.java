package io.github.lakebase.samples.spring.reporting;

import java.math.BigDecimal;
import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/** Reads the orders database, writes a report per customer to the reporting database. */
@Service
public class CustomerReport {

    private final JdbcTemplate orders;
    private final JdbcTemplate reporting;

    public CustomerReport(JdbcTemplate orders, @Qualifier("reportingJdbc") JdbcTemplate reporting) {
        this.orders = orders;
        this.reporting = reporting;
    }

    /** Rebuilds the report; returns how many customers it lists. */
    public int rebuild() {
        List<Object[]> rows = orders.query(
                "SELECT customer, count(*), sum(total) FROM orders GROUP BY customer ORDER BY customer",
                (rs, i) -> new Object[] {rs.getString(1), rs.getInt(2), rs.getBigDecimal(3)});
        reporting.update("DELETE FROM customer_report");
        reporting.batchUpdate("INSERT INTO customer_report (customer, orders, revenue) VALUES (?, ?, ?)", rows);
        return rows.size();
    }

    /** A customer's revenue as the report has it, or {@code null}. */
    public BigDecimal revenue(String customer) {
        return reporting
                .query(
                        "SELECT revenue FROM customer_report WHERE customer = ?",
                        (rs, i) -> rs.getBigDecimal(1),
                        customer)
                .stream()
                .findFirst()
                .orElse(null);
    }

    /** How many customers the report lists. */
    public long customers() {
        return reporting.queryForObject("SELECT count(*) FROM customer_report", Long.class);
    }
}
