package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ProviderException;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies Flyway migrations to a base before it is sealed. */
final class Migrations {

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    static final String DEFAULT_LOCATION = "classpath:db/migration";

    private Migrations() {}

    /**
     * What a base is migrated with: the locations and Flyway's settings.
     *
     * @param locations the Flyway locations, empty for none
     * @param flyway the Flyway settings
     */
    record Plan(List<String> locations, FlywaySettings flyway) {

        /** What decides the content of a base built with this plan: two plans equal in it build equal bases. */
        Object identity() {
            return List.of(locations, flyway.fingerprinted());
        }

        /** This plan with its locations but the last, or empty when it has one location or none. */
        java.util.Optional<Plan> lower() {
            return locations.size() < 2
                    ? java.util.Optional.empty()
                    : java.util.Optional.of(new Plan(locations.subList(0, locations.size() - 1), flyway));
        }
    }

    /** The plan for a test that declares {@code declared}, with the settings its configuration gives Flyway. */
    static Plan plan(List<String> declared, Configuration config) {
        FlywaySettings flyway = FlywaySettings.load(config);
        return new Plan(resolve(declared, config, flyway.locations()), flyway);
    }

    /**
     * The locations to apply: the annotation's, else {@code lakebase.migrations}, else {@code flyway.locations},
     * else {@code classpath:db/migration} when the test class path has it, else none. {@link
     * LakebaseBranch#NO_MIGRATIONS} (and {@code none} in {@code lakebase.migrations}) is none.
     */
    static List<String> resolve(List<String> declared, Configuration config, List<String> flywayLocations) {
        if (!declared.isEmpty()) {
            return none(declared, "@LakebaseBranch(migrations = " + quoted(declared) + ")", false);
        }
        List<String> configured = config.getList(Configuration.MIGRATIONS);
        if (!configured.isEmpty()) {
            return none(configured, Configuration.MIGRATIONS + "=" + String.join(",", configured), true);
        }
        if (!flywayLocations.isEmpty()) {
            return flywayLocations;
        }
        return config.classLoader().getResource("db/migration") != null ? List.of(DEFAULT_LOCATION) : List.of();
    }

    /** {@code locations}, or none when they say so; saying so beside a location is an error. */
    private static List<String> none(List<String> locations, String where, boolean word) {
        boolean none = locations.stream()
                .anyMatch(l -> l.equals(LakebaseBranch.NO_MIGRATIONS) || (word && l.equalsIgnoreCase("none")));
        if (!none) {
            return locations;
        }
        if (locations.size() > 1) {
            throw ProviderException.configuration(where + " asks for no migrations (" + LakebaseBranch.NO_MIGRATIONS
                    + ") and for locations at once. Name either the locations, or "
                    + "LakebaseBranch.NO_MIGRATIONS alone to fork the parent unmigrated.");
        }
        return List.of();
    }

    private static String quoted(List<String> locations) {
        return locations.stream()
                .map(l -> "\"" + l + "\"")
                .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
    }

    /** Fails with a configuration error naming a location that does not exist. */
    static void checkExists(List<String> locations, ClassLoader loader) {
        for (String location : locations) {
            Location parsed = Location.parse(location);
            boolean exists = switch (parsed.kind()) {
                case FILESYSTEM -> java.nio.file.Files.isDirectory(parsed.file());
                case CLASSPATH -> loader.getResource(parsed.path()) != null;
                case OTHER -> true;
            };
            if (!exists) {
                throw ProviderException.configuration("The migration location '" + location + "' does not exist. Fix "
                        + "@LakebaseBranch(migrations = ...) or lakebase.migrations: a location is written "
                        + "classpath:db/migration (a folder on the test class path) or filesystem:src/main/db.");
            }
        }
    }

    /**
     * Migrates the database; returns how many migrations ran.
     *
     * @throws ProviderException naming the failing script and the SQL error, or a configuration error
     *     for a missing location or a setting Flyway refuses
     */
    static int apply(BranchConnection target, Plan plan, ClassLoader loader, String parent) {
        List<String> locations = plan.locations();
        if (locations.isEmpty()) {
            return 0;
        }
        FlywaySettings settings = plan.flyway();
        if (settings.failOnMissingLocations()) {
            checkExists(locations, loader);
        }
        if (!settings.overridden().isEmpty()) {
            LOG.info(
                    "Flyway's {} (from {}) are not used: the migrations run on the base being built, over the "
                            + "library's own connection",
                    String.join(", ", settings.overridden()),
                    settings.describeSources());
        }
        try {
            MigrateResult result = settings.configure(Flyway.configure(loader))
                    .dataSource(target.jdbcUrl(), target.username(), target.password())
                    .locations(locations.toArray(String[]::new))
                    .load()
                    .migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new ProviderException(
                    "Migrations " + locations + " failed on parent '" + parent + "'; no test runs "
                            + "on a half-migrated base.\n" + message.trim()
                            + ClusterObjects.explain(e).map(hint -> "\n" + hint).orElse(""),
                    e);
        }
    }
}
