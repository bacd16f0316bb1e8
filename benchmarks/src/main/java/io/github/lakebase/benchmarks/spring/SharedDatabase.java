package io.github.lakebase.benchmarks.spring;

import io.github.lakebase.benchmarks.suites.BorrowedServer;
import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One database for all the tests of a Spring approach that shares it (rollback, truncation), on the
 * embedded server that lakebase-junit starts, so that it runs on the very server and settings the
 * {@code @LakebaseBranch} approach does. The cell's JVM runs this class before the suite: it creates the
 * empty database, which Boot's Flyway then migrates when the application context starts, and publishes
 * where it is as system properties, which {@link #register} hands to Spring.
 *
 * <pre>{@code
 * @DynamicPropertySource
 * static void database(DynamicPropertyRegistry registry) {
 *     SharedDatabase.register(registry);
 * }
 * }</pre>
 */
public class SharedDatabase {

    /** The database's name. */
    public static final String DATABASE = "bench_spring";

    private static final String URL = "bench.spring.url";
    private static final String USERNAME = "bench.spring.username";
    private static final String PASSWORD = "bench.spring.password";

    /** Only for the server: lakebase-junit starts it; this class (not a Spring test) uses plain SQL on it. */
    @LakebaseBranch
    static Branch server;

    @Test
    void create() throws SQLException {
        BorrowedServer postgres = new BorrowedServer(server);
        postgres.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)", "CREATE DATABASE " + DATABASE);
        System.setProperty(URL, postgres.url(DATABASE));
        System.setProperty(USERNAME, postgres.username());
        System.setProperty(PASSWORD, postgres.password());
    }

    /**
     * Points Boot's {@code DataSource} at the database.
     *
     * @param registry the test's dynamic properties
     */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> required(URL));
        registry.add("spring.datasource.username", () -> required(USERNAME));
        registry.add("spring.datasource.password", () -> required(PASSWORD));
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException(
                    "No shared database: run " + SharedDatabase.class.getName() + " first, in the same JVM");
        }
        return value;
    }
}
