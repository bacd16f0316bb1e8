package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.integration.Location;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ConnectionSource;
import io.github.lakebase.junit.spi.ProviderException;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a base's migrations before it is sealed: Flyway locations through Flyway, Liquibase changelogs through
 * Liquibase (an optional dependency, loaded only when a test names a changelog).
 */
final class Migrations {

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    static final String DEFAULT_LOCATION = "classpath:db/migration";

    /** The prefix that makes an entry a Liquibase changelog whatever its name. */
    static final String LIQUIBASE = "liquibase:";

    /** The conventional master changelogs, as Liquibase's guides and Spring Boot name them, in the order looked for. */
    static final List<String> MASTER_CHANGELOGS = List.of(
            "db/changelog/db.changelog-master.yaml",
            "db/changelog/db.changelog-master.yml",
            "db/changelog/db.changelog-master.xml",
            "db/changelog/db.changelog-master.json",
            "db/changelog/db.changelog-master.sql");

    /** The dependency to add for Liquibase changelogs, as a user writes it. */
    static final String LIQUIBASE_DEPENDENCY = "org.liquibase:liquibase-core";

    private static final List<String> CHANGELOG_EXTENSIONS = List.of(".xml", ".yaml", ".yml", ".json", ".sql");

    private Migrations() {}

    /**
     * What a base is migrated with: the locations or changelogs, and the tool's settings.
     *
     * @param locations the Flyway locations or the Liquibase changelogs, empty for none
     * @param flyway the Flyway settings
     * @param liquibase the Liquibase settings when {@code locations} are changelogs, else empty
     * @param checked whether the base's migrations are re-applied once on a throwaway branch to check that they
     *     can run twice ({@code lakebase.migrations.check-idempotency})
     * @param identity what decides the content of a base built with this plan ({@link #identity()})
     */
    record Plan(
            List<String> locations,
            FlywaySettings flyway,
            java.util.Optional<LiquibaseSettings> liquibase,
            boolean checked,
            Identity identity) {

        Plan(
                List<String> locations,
                FlywaySettings flyway,
                java.util.Optional<LiquibaseSettings> liquibase,
                boolean checked) {
            this(
                    locations,
                    flyway,
                    liquibase,
                    checked,
                    new Identity(List.of(
                            locations,
                            liquibase.map(LiquibaseSettings::fingerprinted).orElseGet(flyway::fingerprinted),
                            checked)));
        }

        /** What one of its migrations is called in messages: a {@code changeset} of Liquibase, else a {@code migration}. */
        String unit() {
            return liquibase.isPresent() ? "changeset" : "migration";
        }

        /** {@link #unit()} as a count says it: {@code changeset(s)} or {@code migration(s)}. */
        String units() {
            return unit() + "(s)";
        }

        /**
         * What decides the content of a base built with this plan: two plans equal in it build equal bases. Worked
         * out once, as the plan is: every test looks its base up by it.
         */
        @Override
        public Identity identity() {
            return identity;
        }

        /**
         * This plan with its locations but the last, or empty when it has one location or none, or changelogs:
         * only Flyway bases are built on one another.
         */
        java.util.Optional<Plan> lower() {
            return locations.size() < 2 || liquibase.isPresent()
                    ? java.util.Optional.empty()
                    : java.util.Optional.of(
                            new Plan(locations.subList(0, locations.size() - 1), flyway, liquibase, checked));
        }
    }

    /**
     * A plan's {@link Plan#identity()}: its locations, the tool's settings that decide a base's content, and whether
     * the migrations are checked; its hash worked out once, since it covers every setting.
     */
    static final class Identity {

        private final List<Object> value;
        private final int hash;

        Identity(List<Object> value) {
            this.value = value;
            this.hash = value.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof Identity other && hash == other.hash && value.equals(other.value);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return value.toString();
        }
    }

    /**
     * The plan for a test that declares {@code declared}, with the settings its configuration gives the tools;
     * worked out once per JUnit run for each declaration, since it reads Flyway's configuration files.
     */
    static Plan plan(List<String> declared, Configuration config) {
        return config.perRun(
                new PlanKey(List.copyOf(declared), config.classLoader()), () -> planAfresh(declared, config));
    }

    /** What a plan depends on besides the configuration's parameters and environment. */
    private record PlanKey(List<String> declared, ClassLoader classLoader) {}

    /**
     * A plan as {@link #plan} makes it, made now and not kept for the run: for a read ahead of a test class's
     * {@code @BeforeAll} methods, which may yet change the settings the test's own plan reads.
     */
    static Plan planAfresh(List<String> declared, Configuration config) {
        FlywaySettings flyway = FlywaySettings.load(config);
        List<String> locations = resolve(declared, config, flyway.locations());
        boolean changelogs = !locations.isEmpty() && isChangelog(locations.get(0));
        if (locations.stream().anyMatch(l -> isChangelog(l) != changelogs)) {
            throw ProviderException.configuration(
                    "The migrations " + quoted(locations) + " mix Flyway locations "
                            + "and Liquibase changelogs. A base is migrated by one tool: name either Flyway locations "
                            + "(classpath:db/migration) or Liquibase changelogs (liquibase:db/changelog/db.changelog-master.xml).");
        }
        if (changelogs) {
            requireLiquibase(locations);
        }
        return new Plan(
                locations,
                flyway,
                changelogs ? java.util.Optional.of(LiquibaseSettings.load(config)) : java.util.Optional.empty(),
                config.getBoolean(Configuration.CHECK_IDEMPOTENCY, false));
    }

    /** Whether an entry of {@code migrations} is a Liquibase changelog: a {@code liquibase:} prefix, or a file's name. */
    static boolean isChangelog(String entry) {
        String lower = entry.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith(LIQUIBASE) || CHANGELOG_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    /** Whether the library can run Liquibase: whether its classes are where the library's are. */
    static boolean liquibaseAvailable() {
        try {
            Class.forName("liquibase.command.CommandScope", false, Migrations.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void requireLiquibase(List<String> changelogs) {
        if (!liquibaseAvailable()) {
            throw ProviderException.configuration("The migrations " + quoted(changelogs) + " are Liquibase "
                    + "changelogs, and Liquibase is not on the test class path: add " + LIQUIBASE_DEPENDENCY
                    + " (4.33.x) as a test dependency.");
        }
    }

    /**
     * The locations to apply: the annotation's, else {@code lakebase.migrations}, else {@code flyway.locations},
     * else what the project has: {@code classpath:db/migration}, or Liquibase's master changelog when Liquibase is
     * on the class path (both is an error that asks to choose); else none. {@link LakebaseBranch#NO_MIGRATIONS}
     * (and {@code none} in {@code lakebase.migrations}) is none.
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
        boolean flyway = config.classLoader().getResource("db/migration") != null;
        java.util.Optional<String> master = liquibaseAvailable()
                ? MASTER_CHANGELOGS.stream()
                        .filter(c -> config.classLoader().getResource(c) != null)
                        .findFirst()
                : java.util.Optional.empty();
        if (flyway && master.isPresent()) {
            throw ProviderException.configuration("The test names no migrations, and the project has both Flyway's "
                    + "db/migration and Liquibase's " + master.get() + ". Choose one: "
                    + "@LakebaseBranch(migrations = \"" + DEFAULT_LOCATION + "\") or (migrations = \"" + LIQUIBASE
                    + master.get() + "\"), or for every test " + Configuration.MIGRATIONS + "=" + DEFAULT_LOCATION
                    + " or " + Configuration.MIGRATIONS + "=" + LIQUIBASE + master.get()
                    + " (in junit-platform.properties).");
        }
        if (master.isPresent()) {
            return List.of(LIQUIBASE + master.get());
        }
        return flyway ? List.of(DEFAULT_LOCATION) : List.of();
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
     * What one application of a plan ran, beyond what the database had: the base's own migrations.
     *
     * @param flyway the Flyway migrations, as Flyway reports them
     * @param liquibase the Liquibase changesets
     */
    record Applied(List<MigrateOutput> flyway, List<Changelogs.ChangeSetId> liquibase) {

        static final Applied NONE = new Applied(List.of(), List.of());

        /** How many migrations or changesets ran. */
        int count() {
            return flyway.size() + liquibase.size();
        }
    }

    /**
     * Migrates the database; returns what ran.
     *
     * @throws ProviderException naming the failing script or changeset and the SQL error, or a configuration error
     *     for a missing location or a setting the tool refuses
     */
    static Applied apply(BranchConnection target, Plan plan, ClassLoader loader, String parent) {
        List<String> locations = plan.locations();
        if (locations.isEmpty()) {
            return Applied.NONE;
        }
        if (plan.liquibase().isPresent()) {
            return new Applied(
                    List.of(),
                    Changelogs.update(target, locations, plan.liquibase().get(), loader, parent));
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
            MigrateResult result = flyway(plan, target, loader).migrate();
            return new Applied(List.copyOf(result.migrations), List.of());
        } catch (FlywayException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new ProviderException(
                    "Migrations " + locations + " failed on parent '" + parent + "'; no test runs "
                            + "on a half-migrated base.\n" + message.trim()
                            + ClusterObjects.explain(e).map(hint -> "\n" + hint).orElse("")
                            + FlywayFailures.explain(e, settings, loader),
                    e);
        }
    }

    /**
     * The Flyway that migrates {@code target} with {@code plan}'s locations and settings. Flyway opens
     * more than one connection, minutes apart on a long migration, so each one asks for the password
     * then: a short-lived credential handed over once may have expired by the last.
     */
    static Flyway flyway(Plan plan, BranchConnection target, ClassLoader loader) {
        return plan.flyway()
                .configure(Flyway.configure(loader))
                .dataSource(new ConnectionSource(target::open))
                .locations(plan.locations().toArray(String[]::new))
                .load();
    }
}
