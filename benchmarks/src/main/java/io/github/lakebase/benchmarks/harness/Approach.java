package io.github.lakebase.benchmarks.harness;

import io.github.lakebase.benchmarks.suites.ClusterPerClassSuite;
import io.github.lakebase.benchmarks.suites.FlywayCleanMigrateSuite;
import io.github.lakebase.benchmarks.suites.LakebaseBranchSuite;
import io.github.lakebase.benchmarks.suites.RawTemplateSuite;
import io.github.lakebase.benchmarks.suites.ZonkyRefreshSuite;

/**
 * The ways of giving each test a fresh database that the benchmark compares, each a real JUnit suite
 * of identical tests.
 *
 * <pre>{@code
 * Class<?> suite = Approach.LAKEBASE.suite();
 * }</pre>
 */
public enum Approach {
    /** Plain {@code CREATE DATABASE ... TEMPLATE} and {@code DROP} per test: the limit. */
    RAW("raw CREATE DATABASE ... TEMPLATE + DROP (the limit)", RawTemplateSuite.class),
    /** {@code @LakebaseBranch} per method. */
    LAKEBASE("@LakebaseBranch", LakebaseBranchSuite.class),
    /** Flyway clean and migrate before every test. */
    FLYWAY("Flyway clean + migrate per test", FlywayCleanMigrateSuite.class),
    /** zonky embedded-database-spring-test, refreshed after each test method. */
    ZONKY("zonky embedded-database-spring-test, refresh after each test", ZonkyRefreshSuite.class),
    /** A fresh embedded cluster per test class, one test per class. */
    CLUSTER_PER_CLASS("fresh embedded cluster per test class", ClusterPerClassSuite.class);

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
        return this == ZONKY || this == CLUSTER_PER_CLASS;
    }

    /** The JUnit suite that measures it. */
    public Class<?> suite() {
        return suite;
    }
}
