package io.github.lakebase.benchmarks.harness;

import io.github.lakebase.benchmarks.spring.SharedDatabase;
import io.github.lakebase.benchmarks.spring.SpringDirtiesContextSuite;
import io.github.lakebase.benchmarks.spring.SpringH2Suite;
import io.github.lakebase.benchmarks.spring.SpringLakebaseSuite;
import io.github.lakebase.benchmarks.spring.SpringRollbackSuite;
import io.github.lakebase.benchmarks.spring.SpringTruncateSuite;
import io.github.lakebase.benchmarks.spring.SpringZonkySuite;
import io.github.lakebase.benchmarks.suites.ClusterPerClassSuite;
import io.github.lakebase.benchmarks.suites.FlywayCleanMigrateSuite;
import io.github.lakebase.benchmarks.suites.LakebaseBranchSuite;
import io.github.lakebase.benchmarks.suites.MemorySuite;
import io.github.lakebase.benchmarks.suites.RawTemplateSuite;
import io.github.lakebase.benchmarks.suites.ZonkyRefreshSuite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The ways of giving each test a fresh database that the benchmark compares, each a real JUnit suite
 * of identical tests: the plain JDBC ones, and those of a Spring Boot application's JPA repository test.
 *
 * <pre>{@code
 * Class<?> suite = Approach.LAKEBASE.suite();
 * }</pre>
 */
public enum Approach {
    /** Plain {@code CREATE DATABASE ... TEMPLATE} and {@code DROP} per test: the limit. */
    RAW("raw CREATE DATABASE ... TEMPLATE + DROP (the limit)", RawTemplateSuite.class),
    /**
     * The same with PostgreSQL's default strategy, {@code WAL_LOG}, which copies through shared buffers and the
     * write-ahead log instead of file by file: what the library's choice of {@code FILE_COPY} is measured against.
     */
    RAW_WAL_LOG("raw CREATE DATABASE ... TEMPLATE ... STRATEGY WAL_LOG + DROP", RawTemplateSuite.class),
    /** {@code @LakebaseBranch} per method. */
    LAKEBASE("@LakebaseBranch", LakebaseBranchSuite.class),
    /**
     * {@code @LakebaseBranch} with {@code lakebase.restore-in-place=false}: every branch a test ends with is dropped
     * and each test gets a new fork, as before restoring in place: what that is measured against.
     */
    LAKEBASE_FORK_EACH("@LakebaseBranch, lakebase.restore-in-place=false", LakebaseBranchSuite.class),
    /** Flyway clean and migrate before every test. */
    FLYWAY("Flyway clean + migrate per test", FlywayCleanMigrateSuite.class),
    /** zonky embedded-database-spring-test, refreshed after each test method. */
    ZONKY("zonky embedded-database-spring-test, refresh after each test", ZonkyRefreshSuite.class),
    /** A fresh embedded cluster per test class, one test per class. */
    CLUSTER_PER_CLASS("fresh embedded cluster per test class", ClusterPerClassSuite.class),
    /** Live branches, each with its pool opened, for the memory they take. */
    MEMORY("@LakebaseBranch, live branches", MemorySuite.class),
    /** A Spring Boot JPA test with {@code @LakebaseBranch}, through lakebase-junit-spring. */
    SPRING_LAKEBASE("@LakebaseBranch (lakebase-junit-spring)", SpringLakebaseSuite.class),
    /** The same with {@code lakebase.restore-in-place=false}: a new fork for every test. */
    SPRING_LAKEBASE_FORK_EACH(
            "@LakebaseBranch (lakebase-junit-spring), lakebase.restore-in-place=false", SpringLakebaseSuite.class),
    /** A Spring Boot JPA test in a transaction rolled back at its end, on one PostgreSQL database. */
    SPRING_ROLLBACK("@Transactional rollback, one PostgreSQL database", SpringRollbackSuite.class),
    /** A Spring Boot JPA test that commits, after which every table is truncated and the data loaded again. */
    SPRING_TRUNCATE("truncate every table after each test, one PostgreSQL database", SpringTruncateSuite.class),
    /** A Spring Boot JPA test on zonky's database, refreshed after each test method. */
    SPRING_ZONKY("zonky @AutoConfigureEmbeddedDatabase, refresh after each test", SpringZonkySuite.class),
    /** A Spring Boot JPA test whose application context, and zonky's database with it, is discarded after it. */
    SPRING_DIRTIES_CONTEXT(
            "@DirtiesContext after each test (zonky's database per context)", SpringDirtiesContextSuite.class),
    /** A Spring Boot JPA test on in-memory H2, rolled back: what users leave for PostgreSQL. */
    SPRING_H2("in-memory H2, @Transactional rollback", SpringH2Suite.class);

    private final String label;
    private final Class<?> suite;

    Approach(String label, Class<?> suite) {
        this.label = label;
        this.suite = suite;
    }

    /** How the approach is named in reports. */
    public String label() {
        return label;
    }

    /** Whether it runs zonky's embedded PostgreSQL, which needs a non-root user or {@code unshare -U}. */
    public boolean usesZonkyServer() {
        return this == ZONKY || this == CLUSTER_PER_CLASS || this == SPRING_ZONKY || this == SPRING_DIRTIES_CONTEXT;
    }

    /** Whether it is one of the Spring Boot cell's approaches. */
    public boolean spring() {
        return name().startsWith("SPRING_");
    }

    /**
     * The Spring Boot cell's approaches in the order round {@code round} runs them: in reverse every other round, as
     * of two cells run one after the other the second measured up to a fifth slower on a 2-core machine, whichever
     * build or approach it ran.
     */
    public static List<Approach> springInRound(int round) {
        List<Approach> spring =
                new ArrayList<>(Arrays.stream(values()).filter(Approach::spring).toList());
        if (round % 2 == 0) {
            Collections.reverse(spring);
        }
        return spring;
    }

    /** A class that the cell's JVM runs before the suite (to create the database it uses), or {@code null}. */
    public Class<?> prelude() {
        return this == SPRING_ROLLBACK || this == SPRING_TRUNCATE ? SharedDatabase.class : null;
    }

    /** Whether it is {@code @LakebaseBranch} with branches dropped after each test, never restored in place. */
    public boolean forksEach() {
        return this == LAKEBASE_FORK_EACH || this == SPRING_LAKEBASE_FORK_EACH;
    }

    /** The JUnit suite that measures it. */
    public Class<?> suite() {
        return suite;
    }
}
