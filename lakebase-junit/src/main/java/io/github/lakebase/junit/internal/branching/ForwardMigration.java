package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ConnectionSource;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Decides whether a copy of one base can be migrated forward into another base: whether migrating it gives
 * what a build from the parent gives. It does when the migrations the copy has (versions and checksums in
 * Flyway's history table) are exactly the first of the new base's migrations in Flyway's order, and no callback
 * would run a second time.
 *
 * <pre>{@code
 * Optional<String> why = ForwardMigration.refusal(copyOfTheLowerBase, plan, loader);
 * if (why.isEmpty()) Migrations.apply(copyOfTheLowerBase, plan, loader, parent);
 * }</pre>
 */
final class ForwardMigration {

    /** What Flyway reports of a migration a build from the parent would not run either. */
    private static final List<MigrationState> NOT_RUN =
            List.of(MigrationState.PENDING, MigrationState.ABOVE_TARGET, MigrationState.BELOW_BASELINE);

    private ForwardMigration() {}

    /**
     * Why {@code copy} cannot be migrated forward to {@code plan}; empty when it can.
     *
     * @param copy a copy of a base whose locations are the first of {@code plan}'s
     */
    static Optional<String> refusal(BranchConnection copy, Migrations.Plan plan, ClassLoader loader) {
        FlywaySettings settings = plan.flyway();
        if (settings.values().containsKey("flyway.callbacks")
                || !settings.callbackLocations().isEmpty()
                || callbackScripts(plan, loader)) {
            return Optional.of("callbacks would run a second time");
        }
        try {
            boolean repeatableRan = false;
            boolean toCome = false;
            for (MigrationInfo migration :
                    configuration(settings, copy, plan, loader).load().info().all()) {
                MigrationState state = migration.getState();
                if (NOT_RUN.contains(state)) {
                    toCome |= state == MigrationState.PENDING;
                } else if (state == MigrationState.SUCCESS || state == MigrationState.BASELINE) {
                    if (!migration.getType().isSynthetic()
                            && !migration.getType().isBaseline()) {
                        if (!migration.isChecksumMatching()) {
                            return Optional.of(migration.getScript() + " changed");
                        }
                        repeatableRan |= migration.getVersion() == null;
                    }
                } else {
                    return Optional.of(migration.getScript() + " would be "
                            + state.getDisplayName().toLowerCase()
                            + (state == MigrationState.IGNORED ? " (its version is below one applied already)" : ""));
                }
            }
            if (repeatableRan && toCome) {
                return Optional.of("a repeatable migration ran before migrations still to come");
            }
            ValidateResult validation = configuration(settings, copy, plan, loader)
                    .ignoreMigrationPatterns("*:pending")
                    .load()
                    .validateWithResult();
            return validation.validationSuccessful
                    ? Optional.empty()
                    : Optional.of(validation.getAllErrorMessages().trim());
        } catch (FlywayException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    private static FluentConfiguration configuration(
            FlywaySettings settings, BranchConnection copy, Migrations.Plan plan, ClassLoader loader) {
        return settings.configure(Flyway.configure(loader))
                .dataSource(new ConnectionSource(copy::open))
                .locations(plan.locations().toArray(String[]::new));
    }

    /** Whether the locations hold SQL callbacks ({@code afterMigrate.sql} and the like); true when they cannot be read. */
    private static boolean callbackScripts(Migrations.Plan plan, ClassLoader loader) {
        String separator = plan.flyway().values().getOrDefault("flyway.sqlMigrationSeparator", "__");
        List<String> events = Arrays.stream(Event.values()).map(Event::getId).toList();
        return LocationFiles.paths(plan.locations(), loader)
                .map(paths -> paths.stream()
                        .map(p -> p.substring(p.lastIndexOf('/') + 1))
                        .anyMatch(name -> events.stream()
                                .anyMatch(e -> name.startsWith(e + ".") || name.startsWith(e + separator))))
                .orElse(true);
    }
}
