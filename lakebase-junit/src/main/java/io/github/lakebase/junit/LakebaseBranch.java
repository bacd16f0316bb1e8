package io.github.lakebase.junit;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test its own copy-on-write branch of a real PostgreSQL database: forked from a parent,
 * migrated with Flyway, injected, and destroyed afterwards.
 *
 * <pre>{@code
 * @LakebaseBranch                       // every test method gets its own branch
 * class InventoryTest {
 *     @Test
 *     void deletesEverything(DataSource dataSource) throws SQLException {
 *         try (var c = dataSource.getConnection()) {
 *             c.createStatement().execute("DELETE FROM inventory");   // nobody else sees it
 *         }
 *     }
 * }
 * }</pre>
 *
 * <h2>Where it goes</h2>
 * <ul>
 *   <li>On a <b>class</b> (inherited by subclasses and {@code @Nested} classes): every test method
 *       gets its own branch ({@link Lifecycle#PER_METHOD}, the default), or the whole class shares
 *       one ({@link Lifecycle#PER_CLASS}).</li>
 *   <li>On a <b>method</b>: that method gets a branch of its own, whatever the class says.</li>
 *   <li>On a <b>field</b>: a static field holds a branch for the class, an instance field one per
 *       test method.</li>
 *   <li>On a <b>parameter</b>: that parameter gets a branch for the invocation.</li>
 * </ul>
 * The injectable types are {@link javax.sql.DataSource} (a pool owned by the branch),
 * {@link java.sql.Connection} (opened for the test and closed after it) and {@link Branch}, in test
 * methods, lifecycle methods, constructors and fields.
 *
 * <p>Injection points that carry the same {@link #name()} within one test share one branch: a
 * {@code DataSource} field and a {@code Branch} parameter see the same database. Different names
 * give different branches, for example to compare two schema designs side by side:
 *
 * <pre>{@code
 * @Test
 * void compareDesigns(@LakebaseBranch(name = "a") DataSource a,
 *                     @LakebaseBranch(name = "b") DataSource b) { ... }
 * }</pre>
 *
 * <p>Migrations run once per distinct parent and set of migrations, into a sealed base that every
 * branch is forked from; they never run once per test. Where the branches come from (an embedded
 * PostgreSQL by default, an existing server, a container or Databricks Lakebase) is configuration:
 * see the README for every key.
 */
@Target({TYPE, METHOD, FIELD, PARAMETER, ANNOTATION_TYPE})
@Retention(RUNTIME)
@Documented
@Inherited
@ExtendWith(LakebaseBranchExtension.class)
public @interface LakebaseBranch {

    /**
     * The parent branch to fork from, for example {@code "staging"}. Empty means the configured
     * default ({@code lakebase.from}), else the provider's default branch.
     *
     * @return the parent branch name
     */
    String from() default "";

    /**
     * Flyway locations to apply to the parent before forking, for example
     * {@code "classpath:db/migration"} or {@code "filesystem:src/main/resources/db"}. Empty means
     * the configured default ({@code lakebase.migrations}), else {@code classpath:db/migration}
     * when it exists, else none. In a Spring test ({@code lakebase-junit-spring}), empty means none of
     * the library's own: the application migrates itself when its context starts (Boot's Flyway or
     * Liquibase with all its settings, {@code spring.sql.init}), and that builds the base.
     *
     * @return Flyway locations
     */
    String[] migrations() default {};

    /**
     * How long a branch declared on a class lives. Meaningful only on a class.
     *
     * @return the lifecycle
     */
    Lifecycle lifecycle() default Lifecycle.PER_METHOD;

    /**
     * When the branch is destroyed. {@link CleanupMode#DEFAULT} defers to {@code lakebase.cleanup}.
     *
     * @return the cleanup mode
     */
    CleanupMode cleanup() default CleanupMode.DEFAULT;

    /**
     * A qualifier: injection points with different names get different branches within one test.
     *
     * @return the qualifier, empty for the unnamed branch
     */
    String name() default "";

    /**
     * An ISO-8601 instant (for example {@code "2026-11-01T00:00:00Z"}) to fork the parent as it was
     * at that time. A provider without point-in-time branching fails the test with a clear message.
     *
     * @return the instant, empty for the parent's current state
     */
    String asOf() default "";

    /** How long a branch declared on a class lives. */
    enum Lifecycle {
        /** Every test method gets a branch of its own. */
        PER_METHOD,
        /** All test methods of the class (and its {@code @Nested} classes) share one branch. */
        PER_CLASS
    }
}
