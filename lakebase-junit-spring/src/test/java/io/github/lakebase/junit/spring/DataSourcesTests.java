package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.bare.BareApplication;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

/**
 * An application with two databases, each with its own Flyway: every {@code DataSource} bean gets a
 * branch of its own, named after the bean and built by its own migrations, and wrappers of a bean follow
 * it. A bean can be left on its own database by configuration.
 */
class DataSourcesTests {

    static final List<String> DATABASES = new CopyOnWriteArrayList<>();

    @Test
    void eachDataSourceBeanGetsItsOwnBranch() {
        DATABASES.clear();
        assertAllSucceeded(SpringFixtures.runDropping(TwoDatabasesTestCase.class), 3);

        assertThat(DATABASES).hasSize(6).doesNotHaveDuplicates();
        // Restored in place, a later test may get an earlier one's databases under their names: each test of the
        // fixture checks what it sees.
        assertAllSucceeded(SpringFixtures.run(TwoDatabasesTestCase.class), 3);
    }

    @Test
    void anIgnoredBeanKeepsItsOwnDatabase() {
        assertAllSucceeded(
                SpringFixtures.run(Map.of("lakebase.spring.ignore-beans", "archiveDataSource"), IgnoredTestCase.class),
                1);
    }

    /** Two databases, as an application declares them: each with its own Flyway, and wrappers of each. */
    @Configuration(proxyBeanMethods = false)
    static class TwoDatabases {

        @Bean
        @Primary
        DataSource ordersDataSource() {
            return new DriverManagerDataSource("jdbc:postgresql://orders.invalid:5432/orders", "orders", "secret");
        }

        @Bean
        DataSource reportingDataSource() {
            return new DriverManagerDataSource("jdbc:postgresql://reporting.invalid:5432/reports", "reports", "secret");
        }

        @Bean(initMethod = "migrate")
        Flyway ordersFlyway(DataSource ordersDataSource) {
            return Flyway.configure()
                    .dataSource(ordersDataSource)
                    .locations("classpath:db/orders")
                    .load();
        }

        @Bean(initMethod = "migrate")
        Flyway reportingFlyway(@Qualifier("reportingDataSource") DataSource reporting) {
            return Flyway.configure()
                    .dataSource(reporting)
                    .locations("classpath:db/reporting")
                    .load();
        }

        @Bean
        DataSource lazyOrders(DataSource ordersDataSource) {
            return new LazyConnectionDataSourceProxy(ordersDataSource);
        }

        @Bean
        TransactionAwareDataSourceProxy transactionalReporting(@Qualifier("reportingDataSource") DataSource reporting) {
            return new TransactionAwareDataSourceProxy(reporting);
        }

        @Bean
        @Primary
        JdbcTemplate ordersJdbc(DataSource ordersDataSource) {
            return new JdbcTemplate(ordersDataSource);
        }

        @Bean
        JdbcTemplate reportingJdbc(@Qualifier("reportingDataSource") DataSource reporting) {
            return new JdbcTemplate(reporting);
        }
    }

    @SpringBootTest(
            classes = {BareApplication.class, TwoDatabases.class},
            properties = "spring.sql.init.mode=never")
    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class TwoDatabasesTestCase {

        @Autowired
        JdbcTemplate orders;

        @Autowired
        @Qualifier("reportingJdbc")
        JdbcTemplate reporting;

        @Autowired
        @Qualifier("lazyOrders")
        DataSource lazyOrders;

        @Autowired
        TransactionAwareDataSourceProxy transactionalReporting;

        @Autowired
        Branch autowiredBranch;

        @Test
        void a_eachBeanIsOnItsOwnBranchOfWhatItsFlywayBuilt(
                @LakebaseBranch(name = "ordersDataSource") Branch ordersBranch,
                @LakebaseBranch(name = "reportingDataSource") Branch reportingBranch) {
            assertThat(database(orders)).isEqualTo(ordersBranch.name());
            assertThat(database(reporting)).isEqualTo(reportingBranch.name());
            assertThat(autowiredBranch.name()).as("the @Primary bean's branch").isEqualTo(ordersBranch.name());
            assertThat(orders.queryForObject("SELECT count(*) FROM orders", Long.class))
                    .isEqualTo(2);
            assertThat(reporting.queryForObject("SELECT count(*) FROM report", Long.class))
                    .isEqualTo(1);
            assertThat(orders.queryForObject("SELECT to_regclass('public.report') IS NULL", Boolean.class))
                    .isTrue();
            orders.update("DELETE FROM orders");
            reporting.update("DELETE FROM report");
            DATABASES.add(ordersBranch.name());
            DATABASES.add(reportingBranch.name());
        }

        @Test
        void b_wrappersFollowTheirTargets(
                @LakebaseBranch(name = "ordersDataSource") Branch ordersBranch,
                @LakebaseBranch(name = "reportingDataSource") Branch reportingBranch) {
            assertThat(orders.queryForObject("SELECT count(*) FROM orders", Long.class))
                    .isEqualTo(2);
            assertThat(database(new JdbcTemplate(lazyOrders))).isEqualTo(ordersBranch.name());
            assertThat(database(new JdbcTemplate(transactionalReporting))).isEqualTo(reportingBranch.name());
            DATABASES.add(ordersBranch.name());
            DATABASES.add(reportingBranch.name());
        }

        @Test
        void c_resetResetsThatBeansBranch(@LakebaseBranch(name = "reportingDataSource") Branch reportingBranch) {
            reporting.update("INSERT INTO report (title) VALUES ('weekly')");
            orders.update("INSERT INTO orders (customer) VALUES ('initech')");

            reportingBranch.reset();

            assertThat(reporting.queryForObject("SELECT count(*) FROM report", Long.class))
                    .isEqualTo(1);
            assertThat(orders.queryForObject("SELECT count(*) FROM orders", Long.class))
                    .isEqualTo(3);
            DATABASES.add(reportingBranch.name());
            DATABASES.add(database(orders));
        }

        private static String database(JdbcTemplate jdbc) {
            return jdbc.queryForObject("SELECT current_database()", String.class);
        }
    }

    @Test
    void aRoutingDataSourceFollowsItsTargetsBranches() {
        assertAllSucceeded(SpringFixtures.run(RoutingTestCase.class), 2);
    }

    /** Which target the application's routing {@code DataSource} picks, as a tenant or read-only flag would. */
    static final ThreadLocal<String> ROUTE = new ThreadLocal<>();

    /**
     * Two databases behind one {@code @Primary} {@code AbstractRoutingDataSource} that the application
     * uses everywhere, each target with its own Flyway.
     */
    @Configuration(proxyBeanMethods = false)
    static class RoutedDatabases {

        @Bean
        DataSource ordersDataSource() {
            return new DriverManagerDataSource("jdbc:postgresql://orders.invalid:5432/orders", "orders", "secret");
        }

        @Bean
        DataSource reportingDataSource() {
            return new DriverManagerDataSource("jdbc:postgresql://reporting.invalid:5432/reports", "reports", "secret");
        }

        @Bean(initMethod = "migrate")
        Flyway ordersFlyway(@Qualifier("ordersDataSource") DataSource orders) {
            return Flyway.configure()
                    .dataSource(orders)
                    .locations("classpath:db/orders")
                    .load();
        }

        @Bean(initMethod = "migrate")
        Flyway reportingFlyway(@Qualifier("reportingDataSource") DataSource reporting) {
            return Flyway.configure()
                    .dataSource(reporting)
                    .locations("classpath:db/reporting")
                    .load();
        }

        @Bean
        @Primary
        DataSource routingDataSource(
                @Qualifier("ordersDataSource") DataSource orders,
                @Qualifier("reportingDataSource") DataSource reporting) {
            AbstractRoutingDataSource routing = new AbstractRoutingDataSource() {
                @Override
                protected Object determineCurrentLookupKey() {
                    return ROUTE.get();
                }
            };
            routing.setTargetDataSources(Map.of("orders", orders, "reporting", reporting));
            routing.setDefaultTargetDataSource(orders);
            return routing;
        }
    }

    @SpringBootTest(
            classes = {BareApplication.class, RoutedDatabases.class},
            properties = {"spring.flyway.enabled=false", "spring.sql.init.mode=never"})
    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class RoutingTestCase {

        @Autowired
        DataSource routing;

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void a_eachKeyReachesItsTargetsBranch(
                @LakebaseBranch(name = "ordersDataSource") Branch ordersBranch,
                @LakebaseBranch(name = "reportingDataSource") Branch reportingBranch) {
            assertThat(routing)
                    .as("the application's own routing bean, with no branch of its own")
                    .isInstanceOf(AbstractRoutingDataSource.class);
            try {
                ROUTE.set("reporting");
                assertThat(jdbc.queryForObject("SELECT current_database()", String.class))
                        .isEqualTo(reportingBranch.name());
                assertThat(jdbc.queryForObject("SELECT count(*) FROM report", Long.class))
                        .isEqualTo(1);
                jdbc.update("DELETE FROM report");
                ROUTE.set("orders");
                assertThat(jdbc.queryForObject("SELECT current_database()", String.class))
                        .isEqualTo(ordersBranch.name());
                assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class))
                        .isEqualTo(2);
                jdbc.update("DELETE FROM orders");
            } finally {
                ROUTE.remove();
            }
        }

        @Test
        void b_theNextTestSeesWhatEachFlywayBuilt(@LakebaseBranch(name = "ordersDataSource") Branch ordersBranch) {
            assertThat(jdbc.queryForObject("SELECT current_database()", String.class))
                    .as("the default target's branch")
                    .isEqualTo(ordersBranch.name());
            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class))
                    .isEqualTo(2);
            try {
                ROUTE.set("reporting");
                assertThat(jdbc.queryForObject("SELECT count(*) FROM report", Long.class))
                        .isEqualTo(1);
            } finally {
                ROUTE.remove();
            }
        }
    }

    @Test
    void aWrapperOfADataSourceThatIsNoBeanIsRefused() {
        var results = SpringFixtures.run(HiddenTargetTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(SpringFixtures.failures(results))
                .singleElement()
                .satisfies(failure -> assertThat(failure)
                        .contains("'hiddenProduction'")
                        .contains("LazyConnectionDataSourceProxy")
                        .contains("lakebase.spring.ignore-beans"));
    }

    /** A wrapper whose target the application made itself, not as a bean: it would reach production. */
    @Configuration(proxyBeanMethods = false)
    static class HiddenTarget {

        @Bean
        LazyConnectionDataSourceProxy hiddenProduction() {
            return new LazyConnectionDataSourceProxy(
                    new DriverManagerDataSource("jdbc:postgresql://production.invalid:5432/orders", "app", "secret"));
        }
    }

    @SpringBootTest(
            classes = {BareApplication.class, HiddenTarget.class},
            properties = "spring.sql.init.mode=never")
    @LakebaseBranch
    static class HiddenTargetTestCase {

        @Test
        void neverStarts() {}
    }

    @Test
    void aBeanCanBeIgnoredByAPropertyOfTheContext() {
        assertAllSucceeded(SpringFixtures.run(IgnoredByPropertyTestCase.class), 1);
    }

    /** A second database the tests must leave alone: it is never used while the context starts. */
    @Configuration(proxyBeanMethods = false)
    static class WithArchive {

        @Bean
        @Primary
        DataSource ordersDataSource() {
            return new DriverManagerDataSource("jdbc:postgresql://orders.invalid:5432/orders", "orders", "secret");
        }

        @Bean
        DataSource archiveDataSource() {
            return new DriverManagerDataSource("jdbc:postgresql://archive.example:5432/archive", "archive", "secret");
        }
    }

    @SpringBootTest(
            classes = {BareApplication.class, WithArchive.class},
            properties = "spring.sql.init.mode=never")
    @LakebaseBranch
    static class IgnoredTestCase {

        @Autowired
        @Qualifier("archiveDataSource")
        DataSource archive;

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void theIgnoredBeanIsTheApplicationsOwn(Branch branch) {
            checkIgnored(branch);
        }

        void checkIgnored(Branch branch) {
            assertThat(archive).isInstanceOf(DriverManagerDataSource.class);
            assertThat(((DriverManagerDataSource) archive).getUrl())
                    .isEqualTo("jdbc:postgresql://archive.example:5432/archive");
            assertThat(jdbc.queryForObject("SELECT current_database()", String.class))
                    .isEqualTo(branch.name());
        }
    }

    @SpringBootTest(
            classes = {BareApplication.class, WithArchive.class},
            properties = {"spring.sql.init.mode=never", "lakebase.spring.ignore-beans=archiveDataSource"})
    @LakebaseBranch
    static class IgnoredByPropertyTestCase extends IgnoredTestCase {}
}
