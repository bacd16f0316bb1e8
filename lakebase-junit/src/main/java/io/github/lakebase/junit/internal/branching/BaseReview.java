package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.cloud.BranchSlots;
import io.github.lakebase.junit.tools.SchemaDiff;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run report says of a base: the migrations it has beyond its parent, with the durations recorded when they
 * ran (Flyway records them in its history table; for Liquibase changesets the library measured them, see {@link
 * ChangeSetRuns}), and the schema diff from the parent to it, without the tools' history tables. Both are read from two throwaway branches, one of the
 * parent and one of the base (a sealed base takes no connections), dropped at once. The durations come from the
 * base itself (Flyway's history table, or the comment on {@code DATABASECHANGELOG}), so a base kept by an earlier
 * run reports what its build took, and a base forked from another base counts from the parent all the same.
 *
 * <pre>{@code
 * BaseReview review = BaseReview.read(provider, names, "lbj_parent_x", "lbj_base_3", "staging", plan, loader);
 * }</pre>
 *
 * @param beyondParent the migrations the base has and the parent has not
 * @param schemaDiff the schema diff from the parent to the base, as Markdown; empty when it could not be read
 * @param problem why it could not be read
 */
record BaseReview(List<BaseEvent.Migration> beyondParent, String schemaDiff, Optional<String> problem) {

    private static final Logger LOG = LoggerFactory.getLogger(BaseReview.class);

    /** What a run with the report off says: nothing. */
    static final BaseReview NONE = new BaseReview(List.of(), "", Optional.empty());

    /**
     * The event of a base with this review.
     *
     * @param built the event of the base's build in this run, for its migrations and build time; null for a base an
     *     earlier run kept
     */
    BaseEvent event(
            String name, String parentName, List<String> locations, BaseEvent built, BaseEvent.IdempotencyCheck check) {
        return new BaseEvent(
                name,
                parentName,
                locations,
                built == null ? 0 : built.applied(),
                built == null,
                built == null ? Duration.ZERO : built.buildTime(),
                beyondParent,
                schemaDiff,
                problem,
                check);
    }

    /**
     * Reads the review of {@code base}; never throws: what cannot be read is logged and said in {@link #problem()}.
     *
     * @param source the database the base's parent is (a built parent or an existing database)
     * @param base the sealed base
     * @param parentName the parent as the test names it, for the diff's label
     */
    static BaseReview read(
            BranchProvider provider,
            BranchNames names,
            String source,
            String base,
            String parentName,
            Migrations.Plan plan,
            ClassLoader loader) {
        List<String> created = new ArrayList<>();
        try {
            BranchConnection parent = fork(provider, names, source, created);
            BranchConnection migrated = fork(provider, names, base, created);
            List<BaseEvent.Migration> beyond;
            // The tools' own history tables are no change of the schema, whatever they are called.
            Set<String> histories = new java.util.LinkedHashSet<>(List.of("flyway_schema_history"));
            if (plan.liquibase().isPresent()) {
                ChangeSetRuns.Review changeSets = ChangeSetRuns.review(parent, migrated, loader);
                beyond = changeSets.beyondParent();
                histories.addAll(changeSets.historyTables());
            } else {
                Set<String> inParent = applied(parent, plan, loader).stream()
                        .map(BaseReview::key)
                        .collect(Collectors.toSet());
                beyond = applied(migrated, plan, loader).stream()
                        .filter(m -> !inParent.contains(key(m)))
                        .map(BaseReview::migration)
                        .toList();
                if (!plan.locations().isEmpty()) {
                    histories.add(Migrations.flyway(plan, migrated, loader)
                            .getConfiguration()
                            .getTable());
                }
            }
            String after = parentName + " + " + String.join(", ", plan.locations());
            try (Connection p = parent.open();
                    Connection m = migrated.open()) {
                String diff = SchemaDiff.options()
                        .labels(parentName, after)
                        .excludeTables(histories.toArray(String[]::new))
                        .between(p, m)
                        .toMarkdown();
                return new BaseReview(beyond, diff, Optional.empty());
            }
        } catch (SQLException | RuntimeException e) {
            String why = "the migrations and the schema diff of base " + base + " could not be read: " + e.getMessage();
            LOG.warn("The run report leaves out what {}", why);
            return new BaseReview(List.of(), "", Optional.of(why));
        } finally {
            for (String name : created) {
                try {
                    provider.delete(name);
                } catch (RuntimeException e) {
                    LOG.debug("Could not delete {}; a later run's sweep does: {}", name, e.getMessage());
                }
            }
        }
    }

    /**
     * A throwaway branch of {@code source}, made only if the provider has a branch free for it now (a cloud project's
     * branch slots, {@link BranchSlots}): the review runs once the run's tests are done and their branches dropped,
     * but spares and other JVMs' tests may still hold the branches it would wait for, and the run would wait on.
     */
    private static BranchConnection fork(
            BranchProvider provider, BranchNames names, String source, List<String> created) {
        String name = provider.normalizeName(names.branch("report"));
        BranchConnection connection =
                BranchSlots.withoutWaiting(() -> provider.create(new BranchRequest(name, source, null, Kind.BRANCH)));
        created.add(name);
        return connection;
    }

    /**
     * The migrations Flyway's history table of {@code database} records as run, in their order; none without one.
     * Flyway is not asked where no table of its history table's name exists (a parent that no migration ran on):
     * it would find none, and log at INFO that it "does not exist yet" right after the library said that it
     * reuses a kept base.
     */
    private static List<MigrationInfo> applied(BranchConnection database, Migrations.Plan plan, ClassLoader loader)
            throws SQLException {
        if (plan.locations().isEmpty()) {
            return List.of();
        }
        try {
            Flyway flyway = Migrations.flyway(plan, database, loader);
            if (!hasTableNamed(database, flyway.getConfiguration().getTable())) {
                return List.of();
            }
            return Arrays.stream(flyway.info().applied())
                    .filter(m -> !m.getType().isSynthetic())
                    .toList();
        } catch (FlywayException e) {
            throw new IllegalStateException("Flyway could not read its history: " + e.getMessage(), e);
        }
    }

    /** Whether a table named {@code table} exists in any schema of {@code database}. */
    private static boolean hasTableNamed(BranchConnection database, String table) throws SQLException {
        try (Connection c = database.open();
                PreparedStatement s = c.prepareStatement(
                        "SELECT EXISTS (SELECT FROM pg_class WHERE relname = ? AND relkind IN ('r', 'p'))")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static String key(MigrationInfo m) {
        return m.getVersion() + "|" + m.getScript() + "|" + m.getChecksum();
    }

    private static BaseEvent.Migration migration(MigrationInfo m) {
        return new BaseEvent.Migration(
                m.getVersion() == null ? "" : m.getVersion().getVersion(),
                Objects.toString(m.getDescription(), ""),
                Objects.toString(m.getScript(), ""),
                Duration.ofMillis(m.getExecutionTime() == null ? 0 : m.getExecutionTime()),
                m.getInstalledOn() == null ? null : m.getInstalledOn().toInstant());
    }
}
