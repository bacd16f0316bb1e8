package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.app.InventoryApplication;
import io.github.lakebase.junit.spring.app.InventoryRepository;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A Spring Boot application whose {@code application.properties} points at a production server
 * that does not exist: with {@code @LakebaseBranch} and nothing else, every test gets a fresh branch
 * with what Boot's Flyway and {@code spring.sql.init} set up when the context started.
 */
class SpringBootTests {

    static final List<String> DATABASES = new CopyOnWriteArrayList<>();
    static final List<ApplicationContext> CONTEXTS = new CopyOnWriteArrayList<>();

    /** Two migrated rows from db/migration and one from data.sql, which Boot ran when the context started. */
    static final List<String> STARTUP_CODES = List.of("L001B0001S000001", "L007B1203S004511", "L042B0917S000123");

    @Test
    void everyTestGetsAFreshBranchOfWhatTheContextSetUp() {
        DATABASES.clear();
        assertAllSucceeded(SpringFixtures.runDropping(DestructiveTestCase.class), 3);

        assertThat(DATABASES).hasSize(3).doesNotHaveDuplicates().allMatch(name -> name.startsWith("lbj_"));
        // Restored in place, a later test may get an earlier one's database under its name: each test of the
        // fixture checks that it sees what the context set up, and classesWithTheSameConfigurationShareOneContext
        // runs it so.
    }

    @Test
    void classesWithTheSameConfigurationShareOneContext() {
        CONTEXTS.clear();
        assertAllSucceeded(SpringFixtures.run(DestructiveTestCase.class, SameConfigurationTestCase.class), 4);

        assertThat(CONTEXTS).hasSize(4);
        assertThat(CONTEXTS.stream().distinct()).hasSize(1);
    }

    @Test
    void theBranchIsInjectedAsSpringBeansAndAsParameters() {
        assertAllSucceeded(SpringFixtures.run(InjectionTestCase.class), 1);
    }

    @Test
    void perClassBranchesAreSharedByTheTestsOfTheClass() {
        DATABASES.clear();
        assertAllSucceeded(SpringFixtures.run(PerClassTestCase.class), 2);

        assertThat(DATABASES).hasSize(2);
        assertThat(DATABASES.get(0)).isEqualTo(DATABASES.get(1));
    }

    @Test
    void nestedClassesGetTheirOwnBranches() {
        DATABASES.clear();
        assertAllSucceeded(SpringFixtures.runDropping(NestedTestCase.class), 2);

        assertThat(DATABASES).hasSize(2).doesNotHaveDuplicates();
        // Restored in place, the inner test may get the outer one's database under its name: it checks what it sees.
        assertAllSucceeded(SpringFixtures.run(NestedTestCase.class), 2);
    }

    @Test
    void aContextClosedAfterEachTestRoutesTheNextTestToItsOwnBranch() {
        DATABASES.clear();
        CONTEXTS.clear();
        assertAllSucceeded(SpringFixtures.run(ClosedAfterEachTestCase.class), 3);

        assertThat(CONTEXTS.stream().distinct()).as("a context per test").hasSize(3);
        assertThat(DATABASES).hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    void aContextStartedUnderOtherSettingsForksItsTestsBranchesFromItsStagedBase() {
        // Spring keeps a context for the JVM; a later run under other settings, and so on another server, reuses it.
        assertAllSucceeded(SpringFixtures.runDropping(OtherSettingsTestCase.class), 1);
        assertAllSucceeded(SpringFixtures.run(OtherSettingsTestCase.class), 1);
    }

    @SpringBootTest(classes = InventoryApplication.class, properties = "inventory.started-by=a-run-with-other-settings")
    @LakebaseBranch
    static class OtherSettingsTestCase {

        @Autowired
        InventoryRepository repository;

        @Test
        void seesTheStartupStateAndDeletesIt() {
            assertThat(repository.codes()).isEqualTo(STARTUP_CODES);
            repository.deleteAll();
        }
    }

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class DestructiveTestCase {

        @Autowired
        InventoryRepository repository;

        @Autowired
        DataSource dataSource;

        @Autowired
        ApplicationContext context;

        @Test
        void a_deletesEverything() {
            check();
            repository.deleteAll();
            assertThat(repository.count()).isZero();
        }

        @Test
        void b_addsARow() {
            check();
            repository.add("L100B0100S000100", 5);
            assertThat(repository.count()).isEqualTo(4);
        }

        @Test
        void c_seesTheStartupStateAgain() {
            check();
        }

        private void check() {
            assertThat(dataSource).isInstanceOf(BranchRoutingDataSource.class);
            assertThat(repository.codes()).isEqualTo(STARTUP_CODES);
            DATABASES.add(repository.database());
            CONTEXTS.add(context);
        }
    }

    /** Every test's context is a new one, whose DataSource routes to that test's branch. */
    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    @DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
    static class ClosedAfterEachTestCase extends DestructiveTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @AfterEach
        void usedTheTestsBranch(Branch branch) {
            assertThat(jdbc.queryForObject("SELECT current_database()", String.class))
                    .isEqualTo(branch.name());
        }
    }

    @Test
    void whatBootsFlywaySetsOnTheDatabaseHoldsInEveryBranch() {
        assertAllSucceeded(SpringFixtures.run(BootDatabaseSettingsTestCase.class), 2);
    }

    @SpringBootTest(
            classes = InventoryApplication.class,
            properties = "spring.flyway.locations=classpath:db/migration,classpath:db/boot-settings")
    @LakebaseBranch
    static class BootDatabaseSettingsTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void first() {
            check();
        }

        @Test
        void second() {
            check();
        }

        private void check() {
            assertThat(jdbc.queryForObject("SELECT current_setting('app.region')", String.class))
                    .isEqualTo("eu");
        }
    }

    @Test
    void bootsFlywayMigratesTheBaseOnce() {
        DATABASES.clear();
        assertAllSucceeded(SpringFixtures.runDropping(BootFlywayTestCase.class), 2);

        assertThat(DATABASES).hasSize(2).doesNotHaveDuplicates();
        // Restored in place, a test may get the other one's database under its name: each checks what it sees.
        assertAllSucceeded(SpringFixtures.run(BootFlywayTestCase.class), 2);
    }

    @SpringBootTest(
            classes = InventoryApplication.class,
            properties = "spring.flyway.locations=classpath:db/migration,classpath:db/boot-only")
    @LakebaseBranch
    static class BootFlywayTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void dropsTheNewColumn(Branch branch) {
            check(branch);
            jdbc.execute("ALTER TABLE inventory DROP COLUMN reorder_level");
        }

        @Test
        void seesTheNewColumn(Branch branch) {
            check(branch);
        }

        private void check(Branch branch) {
            assertThat(jdbc.queryForList(
                            "SELECT version FROM flyway_schema_history WHERE success ORDER BY " + "installed_rank",
                            String.class))
                    .containsExactly("1", "2");
            assertThat(jdbc.queryForObject("SELECT sum(reorder_level) FROM inventory", Long.class))
                    .isEqualTo(15);
            DATABASES.add(branch.name());
        }
    }

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    static class SameConfigurationTestCase {

        @Autowired
        InventoryRepository repository;

        @Autowired
        ApplicationContext context;

        @Test
        void seesTheStartupState() {
            assertThat(repository.codes()).isEqualTo(STARTUP_CODES);
            CONTEXTS.add(context);
        }
    }

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    static class InjectionTestCase {

        @Autowired
        Branch autowiredBranch;

        @Autowired
        DataSource autowiredDataSource;

        @Autowired
        JdbcTemplate jdbc;

        final InventoryRepository constructed;

        final DataSource constructorDataSource;

        /** Spring autowires the whole constructor: the library leaves its DataSource to Spring. */
        @Autowired
        InjectionTestCase(InventoryRepository repository, DataSource dataSource) {
            this.constructed = repository;
            this.constructorDataSource = dataSource;
        }

        @Test
        void allPointAtTheTestsBranch(Branch branch, DataSource dataSource) throws Exception {
            assertThat(autowiredBranch.name()).isEqualTo(branch.name());
            assertThat(jdbc.queryForObject("SELECT current_database()", String.class))
                    .isEqualTo(branch.name());
            assertThat(constructed.database()).isEqualTo(branch.name());
            assertThat(constructorDataSource).isSameAs(autowiredDataSource);
            try (var c = autowiredDataSource.getConnection();
                    var d = dataSource.getConnection()) {
                assertThat(c.getCatalog()).isEqualTo(branch.name());
                assertThat(d.getCatalog()).isEqualTo(branch.name());
            }
        }
    }

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch(lifecycle = LakebaseBranch.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassTestCase {

        @Autowired
        InventoryRepository repository;

        @Test
        @Order(1)
        void addsARow() {
            repository.add("L100B0100S000100", 5);
            DATABASES.add(repository.database());
        }

        @Test
        @Order(2)
        void seesTheRowOfTheFirstTest() {
            assertThat(repository.count()).isEqualTo(4);
            DATABASES.add(repository.database());
        }
    }

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    static class NestedTestCase {

        @Autowired
        InventoryRepository repository;

        @Test
        void outer() {
            repository.deleteAll();
            DATABASES.add(repository.database());
        }

        @Nested
        class Inner {
            @Autowired
            InventoryRepository inner;

            @Test
            void seesTheStartupState() {
                assertThat(inner.codes()).isEqualTo(STARTUP_CODES);
                DATABASES.add(inner.database());
            }
        }
    }
}
