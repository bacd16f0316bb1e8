package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.PersistentDataDirectories;
import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.spring.bare.BareApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Runs one after another on a persistent data directory, each starting its application context anew (as a new JVM
 * would): a run whose start-up schema work did not change starts on a fork of the base an earlier run's start-up
 * built, where Boot's Flyway finds every migration applied and {@code spring.sql.init} does not run; a changed
 * migration builds the base again. Every staged base is told to the base listeners, reused or built.
 */
class WarmStartTests {

    /** What Boot's Flyway applied in this JVM, by script. */
    static final List<String> MIGRATED = new CopyOnWriteArrayList<>();

    static volatile Path folder;

    @TempDir
    Path work;

    /** The run report of the last run. */
    private String report;

    private int runs;

    /**
     * The persistent data directory of the test's runs: not in the {@code @TempDir}, since the server runs on it, and
     * may fork a spare into it, until the JVM exits.
     */
    private Path dataDirectory;

    @BeforeEach
    void persistentDataDirectory() throws IOException {
        dataDirectory = PersistentDataDirectories.create("spring-warm-start-").resolve("pgdata");
    }

    /** The persistent data directory, and a run report of each run's own. */
    private Map<String, String> persistent() {
        return Map.of(
                "lakebase.embedded.data-directory", dataDirectory.toString(),
                "lakebase.report.enabled", "true",
                "lakebase.report.directory", work.resolve("report-" + ++runs).toString());
    }

    @Test
    void aSecondRunForksFromWhatTheFirstRunsFlywayBuiltAndAChangedMigrationBuildsItAgain() throws Exception {
        folder = Files.createDirectories(work.resolve("migration"));
        Path v1 = Files.writeString(
                folder.resolve("V1__account.sql"),
                "CREATE TABLE account (id bigint PRIMARY KEY, name text);\nINSERT INTO account VALUES (1, 'first');\n");
        String location = "filesystem:" + folder;

        BaseEvent cold = run(FlywayTestCase.class);
        assertThat(MIGRATED).as("the cold run's Flyway").containsExactly("V1__account.sql");
        assertThat(cold.reused()).isFalse();
        assertThat(cold.buildTime()).isPositive();
        assertThat(cold.parent()).isNotEmpty();
        assertThat(cold.migrations()).contains("Flyway " + location);
        assertThat(report)
                .doesNotContain("No test forked from a migrated base")
                .contains("### `" + cold.parent() + "` + `Flyway " + location + "`")
                .contains("Base `" + cold.name() + "`: built by run");

        BaseEvent warm = run(FlywayTestCase.class);
        assertThat(MIGRATED)
                .as("Boot's Flyway on the warm run: every migration applied already")
                .isEmpty();
        assertThat(warm.reused()).isTrue();
        assertThat(warm.name()).isNotEqualTo(cold.name());
        assertThat(warm.parent()).isEqualTo(cold.parent());

        Files.writeString(v1, Files.readString(v1) + "INSERT INTO account VALUES (2, 'second');\n");
        BaseEvent changed = run(FlywayTestCase.class);
        assertThat(MIGRATED).as("the changed migration, applied again").containsExactly("V1__account.sql");
        assertThat(changed.reused()).isFalse();
    }

    @Test
    void sqlInitScriptsDoNotRunAgainOnABaseTheyBuilt() throws Exception {
        folder = Files.createDirectories(work.resolve("sqlinit"));
        Files.writeString(folder.resolve("schema.sql"), "CREATE TABLE visit (id bigint PRIMARY KEY);\n");
        Files.writeString(folder.resolve("data.sql"), "INSERT INTO visit VALUES (1);\n");

        assertThat(run(SqlInitTestCase.class).reused()).isFalse();
        BaseEvent warm = run(SqlInitTestCase.class);
        assertThat(warm.reused()).as("the run after").isTrue();
        assertThat(warm.migrations()).anyMatch(m -> m.startsWith("spring.sql.init"));
    }

    /** Runs a fixture in a context of its own, and returns the one staged base it told the listeners of. */
    private BaseEvent run(Class<?> fixture) throws Exception {
        MIGRATED.clear();
        int before = RecordedBases.of(folder.toString()).size();
        assertAllSucceeded(SpringFixtures.run(persistent(), fixture), 1);
        List<BaseEvent> events = RecordedBases.of(folder.toString());
        assertThat(events).hasSize(before + 1);
        report = Files.readString(work.resolve("report-" + runs).resolve("report.md"));
        return events.get(events.size() - 1);
    }

    @SpringBootTest(
            classes = {BareApplication.class, Recorder.class},
            properties = "spring.sql.init.mode=never")
    @LakebaseBranch
    @DirtiesContext
    static class FlywayTestCase {

        @DynamicPropertySource
        static void locations(DynamicPropertyRegistry registry) {
            registry.add("spring.flyway.locations", () -> "filesystem:" + folder);
        }

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void theSchemaAndItsRowsAreThere() {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM account WHERE id = 1", Long.class))
                    .isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM flyway_schema_history", Long.class))
                    .isEqualTo(1);
        }
    }

    @SpringBootTest(classes = BareApplication.class, properties = "spring.flyway.enabled=false")
    @LakebaseBranch
    @DirtiesContext
    static class SqlInitTestCase {

        @DynamicPropertySource
        static void scripts(DynamicPropertyRegistry registry) {
            registry.add("spring.sql.init.schema-locations", () -> "file:" + folder.resolve("schema.sql"));
            registry.add("spring.sql.init.data-locations", () -> "file:" + folder.resolve("data.sql"));
        }

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void theScriptsRanOnce() {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM visit", Long.class))
                    .isEqualTo(1);
        }
    }

    /** A Flyway callback as a Spring bean: told of each migration Boot's Flyway applies. */
    @Configuration(proxyBeanMethods = false)
    static class Recorder {

        @Bean
        Callback recorder() {
            return new Callback() {
                @Override
                public boolean supports(Event event, Context context) {
                    return event == Event.AFTER_EACH_MIGRATE;
                }

                @Override
                public boolean canHandleInTransaction(Event event, Context context) {
                    return true;
                }

                @Override
                public void handle(Event event, Context context) {
                    MIGRATED.add(context.getMigrationInfo().getScript());
                }

                @Override
                public String getCallbackName() {
                    return "warm-start-recorder";
                }
            };
        }
    }
}
