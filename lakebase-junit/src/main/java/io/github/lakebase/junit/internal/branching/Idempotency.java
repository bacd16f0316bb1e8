package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateOutput;

/**
 * Checks that a base's migrations can run twice, as evolutionary database design asks of them (the same migration
 * runs against many branches over a transition): on a throwaway branch of the fresh base, it makes the tool forget
 * every migration the base applied beyond its parent, through the tool's own history, and migrates again with the
 * same settings. Flyway: their rows are deleted from its schema history table; Liquibase: from {@code
 * DATABASECHANGELOG}. Opt in with {@code lakebase.migrations.check-idempotency=true}.
 *
 * <pre>{@code
 * Idempotency.check(throwawayBranchOfTheBase, plan, applied, loader)
 *         .ifPresent(failure -> { throw Idempotency.error(failure, base, applied.count(), plan); });
 * }</pre>
 */
final class Idempotency {

    private Idempotency() {}

    /**
     * A migration that cannot run twice.
     *
     * @param migration the migration as its tool names it: {@code V2 (parcel weight) in V2__parcel_weight.sql},
     *     {@code db/changelog/release2.xml::split-code::alice}; empty when the tool's history could not be edited
     * @param error the tool's error
     */
    record Failure(String migration, String error) {

        /** The failure as the test's error says it, the migration first. */
        String describe() {
            return migration.isEmpty() ? error : migration + ": " + error;
        }
    }

    /**
     * Re-applies {@code applied} on {@code throwaway}.
     *
     * @return the first migration that cannot run twice, with the tool's error; empty when all ran again
     */
    static Optional<Failure> check(
            BranchConnection throwaway, Migrations.Plan plan, Migrations.Applied applied, ClassLoader loader) {
        quiet(throwaway);
        return plan.liquibase().isPresent()
                ? Changelogs.reapply(
                        throwaway,
                        plan.locations(),
                        applied.liquibase(),
                        plan.liquibase().get(),
                        loader)
                : reapplyFlyway(throwaway, plan, applied.flyway(), loader);
    }

    /**
     * The error that fails the tests of {@code base}, whose {@code count} migrations beyond its parent were re-applied:
     * it speaks of changesets where {@code plan} applies Liquibase changelogs, else of migrations.
     */
    static ProviderException error(Failure failure, String base, int count, Migrations.Plan plan) {
        return new ProviderException(
                "A " + plan.unit() + " cannot run twice ("
                        + Configuration.CHECK_IDEMPOTENCY
                        + "=true): applied again on a throwaway branch of base " + base + ", after its history "
                        + "forgot the " + count + " " + plan.units()
                        + " the base applied beyond its parent, it failed. "
                        + "Write it so that it can run twice (CREATE TABLE IF NOT EXISTS, CREATE OR REPLACE, "
                        + "ADD COLUMN IF NOT EXISTS, INSERT ... ON CONFLICT DO NOTHING; see docs/migrations.md).\n"
                        + failure.describe(),
                null);
    }

    /**
     * Keeps PostgreSQL's notices of the second run to itself ({@code relation "t" already exists, skipping}, which
     * Flyway logs as warnings): they are what a migration that can run twice says.
     */
    private static void quiet(BranchConnection throwaway) {
        try (Connection c = throwaway.open();
                Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET client_min_messages = warning', "
                    + "current_database()); END $$");
        } catch (SQLException e) {
            // the notices are logged, nothing worse
        }
    }

    private static Optional<Failure> reapplyFlyway(
            BranchConnection throwaway, Migrations.Plan plan, List<MigrateOutput> migrations, ClassLoader loader) {
        Flyway flyway = Migrations.flyway(plan, throwaway, loader);
        String table = historyTable(flyway);
        try (Connection c = throwaway.open();
                PreparedStatement versioned = c.prepareStatement("DELETE FROM " + table + " WHERE version = ?");
                PreparedStatement repeatable =
                        c.prepareStatement("DELETE FROM " + table + " WHERE version IS NULL AND description = ?")) {
            for (MigrateOutput migration : migrations) {
                PreparedStatement delete =
                        migration.version == null || migration.version.isEmpty() ? repeatable : versioned;
                delete.setString(1, delete == repeatable ? migration.description : migration.version);
                delete.executeUpdate();
            }
        } catch (SQLException e) {
            return Optional.of(
                    new Failure("", "Could not edit Flyway's history table " + table + ": " + e.getMessage()));
        }
        try {
            flyway.migrate();
            return Optional.empty();
        } catch (FlywayException e) {
            MigrationInfo[] pending = flyway.info().pending();
            return Optional.of(new Failure(
                    pending.length == 0 ? "" : name(pending[0]),
                    String.valueOf(e.getMessage()).trim()));
        }
    }

    /** A Flyway migration as a user finds it: version, description and script. */
    private static String name(MigrationInfo migration) {
        return (migration.getVersion() == null ? "repeatable" : "V" + migration.getVersion()) + " ("
                + migration.getDescription() + ") in " + migration.getScript();
    }

    /** Flyway's history table, in the schema Flyway keeps it in, quoted. */
    private static String historyTable(Flyway flyway) {
        var configuration = flyway.getConfiguration();
        String schema = configuration.getDefaultSchema() != null
                ? configuration.getDefaultSchema()
                : configuration.getSchemas().length > 0 ? configuration.getSchemas()[0] : null;
        String table = quote(configuration.getTable());
        return schema == null ? table : quote(schema) + "." + table;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
