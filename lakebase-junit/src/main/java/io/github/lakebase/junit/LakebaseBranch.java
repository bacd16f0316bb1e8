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
 *
 * <h2>How a test names its migrations</h2>
 * Each entry of {@link #migrations()} is a Flyway location or a Liquibase changelog:
 * <ul>
 *   <li>{@code classpath:db/migration} (a folder on the test class path) or {@code filesystem:src/main/db}
 *       (a directory, relative to the working directory): Flyway locations, applied together, in Flyway's
 *       version order, with Flyway's settings ({@code flyway.*} keys from configuration parameters,
 *       {@code FLYWAY_*} environment variables and {@code flyway.conf} files);</li>
 *   <li>{@code liquibase:db/changelog/db.changelog-master.xml} (on the test class path) or
 *       {@code liquibase:filesystem:src/main/db/changelog.yaml}, or any entry naming a {@code .xml},
 *       {@code .yaml}, {@code .yml}, {@code .json} or {@code .sql} file: Liquibase changelogs, each applied
 *       with Liquibase's {@code update}, with the contexts, labels and parameters of
 *       {@code lakebase.liquibase.*}. Liquibase ({@code org.liquibase:liquibase-core} 4.33.x) is an
 *       optional dependency.</li>
 * </ul>
 * One base is migrated by one tool: locations and changelogs in one list are a configuration error. See
 * {@code docs/migrations.md}.
 * <ul>
 *   <li>{@code migrations = {}} (the default): the configured default, {@code lakebase.migrations};
 *       else Flyway's own {@code flyway.locations}; else what the project has: {@code classpath:db/migration},
 *       or Liquibase's {@code db/changelog/db.changelog-master.*} when Liquibase is on the class path (a
 *       project with both fails, asking to choose); else none. In a Spring test ({@code lakebase-junit-spring}),
 *       it means none of the library's own migrations: the application's own start-up schema work (Boot's
 *       Flyway or Liquibase, {@code spring.sql.init}) builds the base.</li>
 *   <li>{@code migrations = LakebaseBranch.NO_MIGRATIONS}: none, whatever is configured: the branch
 *       is a copy of the parent as it is. In configuration, {@code lakebase.migrations=none} says the
 *       same.</li>
 *   <li>A method's or a nested class's own {@code migrations} replace the enclosing class's; an empty
 *       one keeps them.</li>
 * </ul>
 *
 * <pre>{@code
 * @LakebaseBranch(migrations = {"classpath:db/migration", "classpath:db/testdata"})
 * class OrdersTest {
 *     @Test
 *     @LakebaseBranch(migrations = LakebaseBranch.NO_MIGRATIONS)   // the parent as it is
 *     void theParentIsUntouched(DataSource dataSource) { ... }
 * }
 * }</pre>
 *
 * A second set of migrations that extends the first ({@code {"classpath:db/migration",
 * "classpath:db/next"}} after {@code {"classpath:db/migration"}}) builds its base from the first one's,
 * migrating forward (Flyway locations only).
 */
@Target({TYPE, METHOD, FIELD, PARAMETER, ANNOTATION_TYPE})
@Retention(RUNTIME)
@Documented
@Inherited
@ExtendWith(LakebaseBranchExtension.class)
public @interface LakebaseBranch {

    /**
     * The value of {@link #migrations()} that forks the parent unmigrated, whatever the configured
     * default is and whether or not the project has {@code db/migration}.
     *
     * <pre>{@code
     * @LakebaseBranch(from = "staging", migrations = LakebaseBranch.NO_MIGRATIONS)
     * class StagingAsItIsTest { ... }
     * }</pre>
     */
    String NO_MIGRATIONS = "lakebase:none";

    /**
     * The parent branch to fork from, for example {@code "staging"}. Empty means the configured
     * default ({@code lakebase.from}), else the provider's default branch.
     *
     * @return the parent branch name
     */
    String from() default "";

    /**
     * Flyway locations or Liquibase changelogs to apply to the parent before forking, for example
     * {@code "classpath:db/migration"}, {@code "filesystem:src/main/resources/db"} or
     * {@code "liquibase:db/changelog/db.changelog-master.xml"}; {@link #NO_MIGRATIONS} for none. Empty means
     * the configured default ({@code lakebase.migrations}, else {@code flyway.locations}), else
     * {@code classpath:db/migration} or Liquibase's {@code db/changelog/db.changelog-master.*} when the project
     * has it, else none. In a Spring test ({@code lakebase-junit-spring}), empty means none of
     * the library's own: the application migrates itself when its context starts (Boot's Flyway or
     * Liquibase with all its settings, {@code spring.sql.init}), and that builds the base.
     *
     * @return Flyway locations or Liquibase changelogs, or {@link #NO_MIGRATIONS}
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
