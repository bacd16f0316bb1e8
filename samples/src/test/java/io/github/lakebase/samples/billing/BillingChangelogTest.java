package io.github.lakebase.samples.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.junit.LakebaseBranch;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A Liquibase project on branches: the billing changelog (includes, includeAll, a sqlFile, a changelog property,
 * a {@code test} context) is applied once into a base, and every test gets its own branch of it.
 */
@LakebaseBranch(migrations = Billing.RELEASE_1)
class BillingChangelogTest {

    /** The changelog built the schema; the test customers are there, because the contexts say {@code test}. */
    @Test
    void openInvoicesPerCustomer(DataSource billing) throws SQLException {
        assertThat(openInvoices(billing))
                .containsExactly(Map.entry("Ada Lovelace", "120.00"), Map.entry("Grace Hopper", "42.50"));
        assertThat(query(billing, "SELECT count(*) FROM databasechangelog")).isEqualTo("5");
        assertThat(query(
                        billing,
                        "SELECT column_default FROM information_schema.columns "
                                + "WHERE table_name = 'customer' AND column_name = 'currency'"))
                .as("the changelog's property")
                .startsWith("'EUR'");
    }

    /** Destructive on purpose: the branch is this test's alone, and the next test gets the base again. */
    @Test
    void payingEverythingEmptiesTheView(DataSource billing) throws SQLException {
        execute(billing, "UPDATE invoice SET paid = true");
        assertThat(openInvoices(billing)).isEmpty();
    }

    /** Release 2 on top of release 1: a second changelog, applied after the first into a base of its own. */
    @Test
    @LakebaseBranch(migrations = {Billing.RELEASE_1, Billing.RELEASE_2})
    void release2MakesTheDueDateMandatory(DataSource billing) throws SQLException {
        assertThat(query(billing, "SELECT count(*) FROM invoice WHERE due_date IS NULL"))
                .isEqualTo("0");
        assertThatThrownBy(() -> execute(billing, "INSERT INTO invoice (customer_id, amount) VALUES (1, 10)"))
                .hasMessageContaining("due_date");
        assertThat(openInvoices(billing)).hasSize(2);
    }

    private static Map<String, String> openInvoices(DataSource dataSource) throws SQLException {
        Map<String, String> open = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT customer, open_amount FROM open_invoices ORDER BY customer")) {
            while (rs.next()) {
                open.put(rs.getString(1), rs.getString(2));
            }
        }
        return open;
    }

    private static String query(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
