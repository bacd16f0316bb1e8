package io.github.lakebase.samples.spring.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two databases, two Flyways: each {@code DataSource} bean of the application is on a branch of its
 * own, named after the bean, and {@code reset()} on one leaves the other as it is.
 */
@SpringBootTest(properties = "spring.config.name=reporting")
@LakebaseBranch
class CustomerReportTest {

    @Autowired
    CustomerReport report;

    @Autowired
    JdbcTemplate orders;

    @Autowired
    @Qualifier("reportingJdbc")
    JdbcTemplate reporting;

    @Test
    void rebuildsTheReportFromTheOrders(
            @LakebaseBranch(name = "ordersDataSource") Branch ordersBranch,
            @LakebaseBranch(name = "reportingDataSource") Branch reportingBranch) {
        assertThat(report.rebuild()).isEqualTo(2);
        assertThat(report.revenue("Acme")).isEqualByComparingTo(new BigDecimal("1299.90"));

        assertThat(orders.queryForObject("SELECT current_database()", String.class))
                .isEqualTo(ordersBranch.name());
        assertThat(reporting.queryForObject("SELECT current_database()", String.class))
                .isEqualTo(reportingBranch.name());
        System.out.printf(
                "[reporting] orders on branch %s, reports on branch %s: %d customers reported%n",
                ordersBranch.name(), reportingBranch.name(), report.customers());
    }

    @Test
    void resettingTheReportingBranchLeavesTheOrders(
            @LakebaseBranch(name = "reportingDataSource") Branch reportingBranch) {
        report.rebuild();
        orders.update("INSERT INTO orders (customer, total) VALUES ('Initech', 10.00)");

        reportingBranch.reset();

        assertThat(report.customers()).isZero();
        assertThat(orders.queryForObject("SELECT count(*) FROM orders", Long.class))
                .isEqualTo(4);
    }
}
