package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.database;
import static io.github.lakebase.junit.Fixtures.execute;
import static io.github.lakebase.junit.Fixtures.reachable;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch.Lifecycle;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Every injection point (static and instance fields, parameters of tests, lifecycle methods and constructors). */
class InjectionPointsTests {

    @Test
    void staticFieldsArePerClassAndInstanceFieldsPerMethod() throws SQLException {
        FieldsTestCase.SEEN.clear();

        Fixtures.runDropping(FieldsTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).succeeded(2));

        List<Seen> seen = FieldsTestCase.SEEN;
        assertThat(seen).hasSize(2);
        Seen a = seen.get(0);
        Seen b = seen.get(1);
        assertThat(List.of(
                        a.staticDataSource,
                        a.staticConnection,
                        b.staticBranch.name(),
                        b.staticDataSource,
                        b.staticConnection))
                .as("all static fields, in all tests, hold the class's branch")
                .containsOnly(a.staticBranch.name());
        assertThat(List.of(a.dataSource, a.connection, a.parameter))
                .as("instance fields and parameter of one test")
                .containsOnly(a.branch.name());
        assertThat(List.of(b.dataSource, b.connection, b.parameter)).containsOnly(b.branch.name());
        assertThat(a.branch.name())
                .as("each test its own branch")
                .isNotEqualTo(b.branch.name())
                .isNotEqualTo(a.staticBranch.name());
        assertThat(b.branch.name()).isNotEqualTo(a.staticBranch.name());

        assertThat(a.connectionObject.isClosed())
                .as("an instance Connection field is closed after its test")
                .isTrue();
        assertThat(b.connectionObject.isClosed()).isTrue();
        assertThat(a.staticConnectionObject.isClosed())
                .as("a static Connection field is closed after the class")
                .isTrue();
        assertThat(List.of(a.staticBranch, a.branch, b.branch))
                .allSatisfy(branch -> assertThat(reachable(branch))
                        .as("%s is destroyed", branch.name())
                        .isFalse());
    }

    @Test
    void aConstructorSeesTheTestsBranchOnJUnit512AndLater() {
        ConstructorTestCase.SEEN.clear();
        // Dropping, so that the two tests' branches have two names: restored in place, the second test may get the
        // first one's database under its name.
        EngineExecutionResults results = Fixtures.runDropping(ConstructorTestCase.class);

        if (Fixtures.testScopedConstructorsSupported()) {
            Fixtures.assertAllSucceeded(results, 2);
            assertThat(ConstructorTestCase.SEEN)
                    .hasSize(2)
                    .allSatisfy(pair -> assertThat(pair.get(0)).isEqualTo(pair.get(1)));
            assertThat(ConstructorTestCase.SEEN.get(0).get(0))
                    .isNotEqualTo(ConstructorTestCase.SEEN.get(1).get(0));
        } else {
            results.testEvents().assertStatistics(s -> s.failed(2));
            assertThat(Fixtures.failureMessages(results))
                    .allSatisfy(
                            m -> assertThat(m).contains("JUnit Jupiter 5.12").contains("field or a method parameter"));
        }
    }

    @Test
    void lifecycleMethodsSeeTheTestsBranch() {
        LifecycleMethodsTestCase.SEEN.clear();

        Fixtures.runDropping(LifecycleMethodsTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).succeeded(2));

        Map<String, List<String>> seen = LifecycleMethodsTestCase.SEEN;
        assertThat(seen).containsOnlyKeys("first", "second");
        assertThat(seen.get("first")).hasSize(4).containsOnly(seen.get("first").get(0));
        assertThat(seen.get("second"))
                .hasSize(4)
                .containsOnly(seen.get("second").get(0));
        assertThat(seen.get("first").get(0)).isNotEqualTo(seen.get("second").get(0));
        assertThat(LifecycleMethodsTestCase.CONNECTIONS)
                .hasSize(4)
                .allSatisfy(c -> assertThat(c.isClosed())
                        .as("an injected Connection is closed after the test")
                        .isTrue());
        assertThat(LifecycleMethodsTestCase.BRANCHES)
                .hasSize(2)
                .allSatisfy(b ->
                        assertThat(reachable(b)).as("%s is destroyed", b.name()).isFalse());
    }

    @Test
    void beforeAllAndAfterAllSeeTheClassBranch() throws SQLException {
        BeforeAllTestCase.SEEN.clear();

        Fixtures.runDropping(BeforeAllTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(2).succeeded(2));

        List<Branch> seen = BeforeAllTestCase.SEEN;
        assertThat(seen)
                .hasSize(4)
                .extracting(Branch::name)
                .containsOnly(seen.get(0).name());
        assertThat(reachable(seen.get(0))).isFalse();
        assertThat(BeforeAllTestCase.CONNECTION.get(0).isClosed()).isTrue();
    }

    @Test
    void anInjectedConnectionDoesNotTakeOneFromTheBranchsPool() {
        // With a pool of one, a test holding an injected Connection can still use the DataSource.
        Fixtures.run(PoolOfOneTestCase.class, Map.of("lakebase.pool.maximum-size", "1"))
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void aComposedAnnotationWorksOnFieldsAndParameters() {
        ComposedTestCase.SEEN.clear();

        Fixtures.run(ComposedTestCase.class)
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));

        assertThat(ComposedTestCase.SEEN).containsOnlyKeys("field", "parameter", "explicit");
        assertThat(ComposedTestCase.SEEN.values()).containsOnly(ComposedTestCase.SEEN.get("explicit"));
    }

    /** A team's own annotation for its reporting database. */
    @Target({ElementType.FIELD, ElementType.PARAMETER})
    @Retention(RetentionPolicy.RUNTIME)
    @LakebaseBranch(name = "reporting")
    @interface ReportingDatabase {}

    static class ComposedTestCase {

        static final Map<String, String> SEEN = new ConcurrentHashMap<>();

        @ReportingDatabase
        DataSource field;

        @Test
        void test(@ReportingDatabase Branch parameter, @LakebaseBranch(name = "reporting") DataSource explicit)
                throws SQLException {
            assertThat(field)
                    .as("the composed annotation on a field is honoured")
                    .isNotNull();
            SEEN.put("field", database(field));
            SEEN.put("parameter", parameter.name());
            SEEN.put("explicit", database(explicit));
        }
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
    static class PoolOfOneTestCase {

        @Test
        void test(Connection connection, DataSource dataSource) throws SQLException {
            assertThat(count(connection, "SELECT count(*) FROM inventory")).isEqualTo(3);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    record Seen(
            Branch staticBranch,
            String staticDataSource,
            String staticConnection,
            Connection staticConnectionObject,
            Branch branch,
            String dataSource,
            String connection,
            Connection connectionObject,
            String parameter) {}

    static class FieldsTestCase {

        static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

        @LakebaseBranch
        static Branch staticBranch;

        @LakebaseBranch
        static DataSource staticDataSource;

        @LakebaseBranch
        private static Connection staticConnection;

        @LakebaseBranch
        Branch branch;

        @LakebaseBranch
        private DataSource dataSource;

        @LakebaseBranch
        private Connection connection;

        @Test
        void first(@LakebaseBranch DataSource parameter) throws SQLException {
            record(parameter);
        }

        @Test
        void second(@LakebaseBranch DataSource parameter) throws SQLException {
            record(parameter);
        }

        private void record(DataSource parameter) throws SQLException {
            assertThat(connection.isClosed()).isFalse();
            assertThat(staticConnection.isClosed()).isFalse();
            SEEN.add(new Seen(
                    staticBranch,
                    database(staticDataSource),
                    database(staticConnection),
                    staticConnection,
                    branch,
                    database(dataSource),
                    database(connection),
                    connection,
                    database(parameter)));
            execute(dataSource, "DELETE FROM inventory");
        }
    }

    @LakebaseBranch
    static class ConstructorTestCase {
        static final List<List<String>> SEEN = new CopyOnWriteArrayList<>();

        private final Branch constructed;

        ConstructorTestCase(Branch branch) {
            this.constructed = branch;
        }

        @Test
        void first(Branch branch) {
            SEEN.add(List.of(constructed.name(), branch.name()));
        }

        @Test
        void second(Branch branch) {
            SEEN.add(List.of(constructed.name(), branch.name()));
        }
    }

    @LakebaseBranch
    static class LifecycleMethodsTestCase {

        static final Map<String, List<String>> SEEN = new ConcurrentHashMap<>();
        static final List<Connection> CONNECTIONS = new CopyOnWriteArrayList<>();
        static final List<Branch> BRANCHES = new CopyOnWriteArrayList<>();

        @BeforeEach
        void before(TestInfo info, Connection connection) throws SQLException {
            assertThat(connection.isClosed()).isFalse();
            CONNECTIONS.add(connection);
            seen(info).add(database(connection));
        }

        @Test
        void first(TestInfo info, Branch branch, DataSource dataSource) throws SQLException {
            test(info, branch, dataSource);
        }

        @Test
        void second(TestInfo info, Branch branch, DataSource dataSource) throws SQLException {
            test(info, branch, dataSource);
        }

        private void test(TestInfo info, Branch branch, DataSource dataSource) throws SQLException {
            BRANCHES.add(branch);
            seen(info).add(branch.name());
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
            execute(dataSource, "DELETE FROM inventory");
        }

        @AfterEach
        void after(TestInfo info, DataSource dataSource, Connection connection) throws SQLException {
            CONNECTIONS.add(connection);
            seen(info).add(database(dataSource));
            seen(info).add(database(connection));
        }

        private static List<String> seen(TestInfo info) {
            return SEEN.computeIfAbsent(
                    info.getTestMethod().orElseThrow().getName(), k -> new CopyOnWriteArrayList<>());
        }
    }

    @LakebaseBranch(lifecycle = Lifecycle.PER_CLASS)
    static class BeforeAllTestCase {

        static final List<Branch> SEEN = new CopyOnWriteArrayList<>();
        static final List<Connection> CONNECTION = new CopyOnWriteArrayList<>();

        @BeforeAll
        static void seed(Branch branch, DataSource dataSource, Connection connection) throws SQLException {
            SEEN.add(branch);
            CONNECTION.add(connection);
            assertThat(database(connection)).isEqualTo(branch.name());
            execute(dataSource, "INSERT INTO inventory (inventory_code) VALUES ('seeded in @BeforeAll')");
        }

        @Test
        void one(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.add(branch);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(4);
            assertThat(CONNECTION.get(0).isClosed())
                    .as("the @BeforeAll connection lives as long as the class")
                    .isFalse();
        }

        @Test
        void two(Branch branch, DataSource dataSource) throws SQLException {
            SEEN.add(branch);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(4);
        }

        @AfterAll
        static void after(Branch branch) {
            SEEN.add(branch);
        }
    }
}
