package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs fixture classes through the JUnit Platform, as a user's build would, and reads databases. */
public final class Fixtures {

    private Fixtures() {}

    public static EngineExecutionResults run(Class<?> fixture) {
        return run(fixture, Map.of());
    }

    /** Runs a fixture class with the given configuration parameters. */
    public static EngineExecutionResults run(Class<?> fixture, Map<String, String> configuration) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration)
                .selectors(selectClass(fixture))
                .execute();
    }

    /**
     * Runs a fixture with every branch dropped after its test ({@code lakebase.restore-in-place=false}): for
     * tests of when and how a branch ends, which a branch restored in place for a later test, under its name,
     * would hide. What a restored branch holds is tested in {@code RestoreInPlaceTests} and {@code
     * RestoredConnectionsTests}.
     */
    public static EngineExecutionResults runDropping(Class<?> fixture) {
        return runDropping(fixture, Map.of());
    }

    /** {@link #runDropping(Class)} with further configuration parameters. */
    public static EngineExecutionResults runDropping(Class<?> fixture, Map<String, String> configuration) {
        Map<String, String> dropping = new java.util.HashMap<>(configuration);
        dropping.put("lakebase.restore-in-place", "false");
        return run(fixture, dropping);
    }

    /**
     * Asserts that exactly {@code tests} tests ran and all succeeded, and otherwise fails with the
     * failures' stack traces, so that a broken fixture says why.
     */
    public static EngineExecutionResults assertAllSucceeded(EngineExecutionResults results, int tests) {
        List<String> failures = results.allEvents().failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + ": "
                        + e.getRequiredPayload(TestExecutionResult.class)
                                .getThrowable()
                                .map(Fixtures::stackTrace)
                                .orElse("?"))
                .toList();
        assertThat(failures).as("failures").isEmpty();
        results.testEvents().assertStatistics(s -> s.started(tests).succeeded(tests));
        return results;
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    /** Whether this JUnit resolves constructor parameters in the test method's context (5.12 and later). */
    static boolean testScopedConstructorsSupported() {
        try {
            Class.forName("org.junit.jupiter.api.extension.TestInstantiationAwareExtension");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The messages of every failure in a run, with their causes. */
    public static List<String> failureMessages(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(e -> e.getRequiredPayload(TestExecutionResult.class)
                        .getThrowable()
                        .orElseThrow())
                .map(t -> {
                    StringBuilder all = new StringBuilder();
                    for (Throwable c = t; c != null; c = c.getCause()) {
                        all.append(c.getMessage()).append('\n');
                    }
                    return all.toString();
                })
                .toList();
    }

    public static long count(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return count(c, sql);
        }
    }

    public static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The database a data source connects to. */
    static String database(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return database(c);
        }
    }

    /** The database a connection is connected to. */
    static String database(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Whether a connection to the branch can still be opened. */
    @SuppressWarnings("try") // the resource is opened only to prove a login works
    public static boolean reachable(String jdbcUrl, String user, String password) {
        try (Connection ignored = DriverManager.getConnection(jdbcUrl, user, password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Whether a connection to the branch can still be opened. */
    public static boolean reachable(Branch branch) {
        return reachable(branch.jdbcUrl(), branch.username(), branch.password());
    }

    /**
     * Whether the branch stops accepting logins within {@code timeout}: a test's branch is dropped in the
     * background while JUnit reports the test, so the next test may still find it for a moment.
     */
    public static boolean goneWithin(Branch branch, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (reachable(branch)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /**
     * Runs {@code action} in a thread of its own {@code delay} after {@code happened} first holds (asked every 20
     * ms): what another client of a fake does a while after, say, the fake first refused a creation. The caller
     * joins the returned thread.
     */
    public static Thread afterFirst(BooleanSupplier happened, Duration delay, Runnable action) {
        Thread t = new Thread(() -> {
            try {
                while (!happened.getAsBoolean()) {
                    Thread.sleep(20);
                }
                Thread.sleep(delay.toMillis());
                action.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The JDBC URL of the server's {@code postgres} database, on the server of {@code branch}. */
    public static String adminUrl(Branch branch) {
        String url = branch.jdbcUrl();
        int query = url.indexOf('?');
        String path = query < 0 ? url : url.substring(0, query);
        return path.substring(0, path.lastIndexOf('/') + 1) + "postgres" + (query < 0 ? "" : url.substring(query));
    }

    /** Drops a branch the library kept, through an admin connection to its server. */
    static void drop(Branch branch) throws SQLException {
        try (Connection c = DriverManager.getConnection(adminUrl(branch), branch.username(), branch.password());
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + branch.name().replace("\"", "\"\"") + "\" WITH (FORCE)");
        }
    }

    /** The throwables of all failed events (tests and containers). */
    static List<Throwable> failures(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(e -> e.getRequiredPayload(TestExecutionResult.class)
                        .getThrowable()
                        .orElseThrow())
                .toList();
    }

    /** The {@link ExtensionConfigurationException} in the cause chain of {@code t}, if any. */
    static Optional<ExtensionConfigurationException> configurationError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ExtensionConfigurationException e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The one failure of the run, which must be (or be caused by, as JUnit wraps what a parameter
     * resolver throws in a ParameterResolutionException) an {@link ExtensionConfigurationException}.
     */
    static ExtensionConfigurationException onlyConfigurationError(EngineExecutionResults results) {
        List<Throwable> failures = failures(results);
        assertThat(failures).as("failures of the run").hasSize(1);
        return configurationError(failures.get(0))
                .orElseThrow(() -> new AssertionError(
                        "expected an ExtensionConfigurationException, got " + failures.get(0), failures.get(0)));
    }

    /**
     * The dates ({@code yyyy-mm-dd}, UTC) that {@code ttl} after a moment between {@code from} and now falls on:
     * one, or two when midnight passed meanwhile. For a listed expiry that a branch kept in that time was given.
     */
    public static String[] datesAfter(Instant from, Duration ttl) {
        return Stream.of(from, Instant.now())
                .map(i -> i.plus(ttl).toString().substring(0, 10))
                .distinct()
                .toArray(String[]::new);
    }
}
