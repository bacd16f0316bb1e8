package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.cli.Branches;
import io.github.lakebase.junit.integration.BaseEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A listener on the class path is told of each base a run builds, once, with what went into it; with the run report
 * on, once the run's tests are done, with the base's review (its migrations beyond the parent and its schema diff),
 * which no test waits for.
 *
 * <p>Isolated: the end of any run of the JVM reads the reviews waiting on every service, so a fixture run that ends
 * beside one of these would tell its base early.
 */
@Isolated
class BaseEventsTests {

    @Test
    void aBuiltBaseIsReportedOnceWithItsParentMigrationsAndBuildTime() {
        Fixtures.assertAllSucceeded(Fixtures.run(TwoTestsTestCase.class), 2);

        assertThat(RecordingBaseListener.EVENTS)
                .filteredOn(e -> e.migrations().contains("classpath:migrations/events"))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.parent()).isEqualTo("template1");
                    assertThat(event.applied()).isEqualTo(2);
                    assertThat(event.reused()).isFalse();
                    assertThat(event.buildTime()).isPositive();
                    assertThat(event.name()).contains("_base_");
                })
                .extracting(BaseEvent::migrations)
                .isEqualTo(java.util.List.of("classpath:migrations/events"));
    }

    @Test
    void aBaseIsReviewedOnceTheRunsTestsAreDoneSoThatItsFirstTestDoesNotWaitForTheReview(@TempDir Path report) {
        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        ReviewedTestCase.class,
                        Map.of("lakebase.report.enabled", "true", "lakebase.report.directory", report.toString())),
                2);

        assertThat(ReviewedTestCase.SEEN)
                .as("base events the listener had when each test ran")
                .containsExactly(0L, 0L);
        assertThat(RecordingBaseListener.EVENTS)
                .filteredOn(e -> e.migrations().contains(ReviewedTestCase.MIGRATIONS))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.reviewed()).isTrue();
                    assertThat(event.schemaDiff()).contains("review_log");
                    assertThat(event.beyondParent()).hasSize(1);
                });
    }

    @Test
    void aKeptBaseIsReviewedOnceTheRunsTestsAreDoneWhenAnEarlierRunStoredItsReview() throws Exception {
        Path directory = PersistentDataDirectories.create("kept-base-review-");
        Map<String, String> first = Map.of(
                "lakebase.embedded.data-directory",
                directory.resolve("pgdata").toString(),
                "lakebase.report.enabled",
                "true",
                "lakebase.report.directory",
                directory.resolve("report").toString());
        Fixtures.assertAllSucceeded(Fixtures.run(KeptReviewTestCase.class, first), 2);
        KeptReviewTestCase.SEEN.clear();
        // A setting of the server makes another service: a later run on the data directory, which finds the base kept
        // and its review stored (the server it joins keeps the settings it was started with).
        Map<String, String> later = new HashMap<>(first);
        later.put("lakebase.embedded.max-connections", "301");

        Fixtures.assertAllSucceeded(Fixtures.run(KeptReviewTestCase.class, later), 2);

        assertThat(KeptReviewTestCase.SEEN)
                .as("base events the listener had when each test of the later run ran")
                .containsExactly(1L, 1L);
        assertThat(RecordingBaseListener.EVENTS)
                .filteredOn(e -> e.migrations().contains(KeptReviewTestCase.MIGRATIONS))
                .hasSize(2)
                .last()
                .satisfies(event -> {
                    assertThat(event.reused()).isTrue();
                    assertThat(event.reviewed()).isTrue();
                    assertThat(event.schemaDiff()).contains("kept_review_log");
                });
    }

    @Test
    void aBaseThatAToolAsksForIsReviewedBeforeTheToolGoesOn(@TempDir Path report) {
        String migrations = "classpath:migrations/reviewed-tool";
        String name = "dev_" + Long.toString(System.nanoTime(), 36);
        Map<String, String> parameters = Map.of(
                "lakebase.migrations",
                migrations,
                "lakebase.report.enabled",
                "true",
                "lakebase.report.directory",
                report.toString());
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try {
            assertThat(Branches.run(List.of("create", name, "--no-wait"), parameters, quiet, quiet))
                    .isZero();

            // No run's end comes to a command line: its base is reviewed as it is built, as before.
            assertThat(RecordingBaseListener.EVENTS)
                    .filteredOn(e -> e.migrations().contains(migrations))
                    .singleElement()
                    .satisfies(event -> assertThat(event.schemaDiff()).contains("tool_log"));
        } finally {
            Branches.run(List.of("drop", name), parameters, quiet, quiet);
        }
    }

    /**
     * Checks that a fixture's test sees its base's one row in {@code table}, and adds to {@code seen} how many events
     * of the base with {@code migrations} the listener had by then.
     */
    private static void noteEvents(DataSource dataSource, String table, String migrations, List<Long> seen)
            throws Exception {
        assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM " + table)).isEqualTo(1);
        seen.add(RecordingBaseListener.EVENTS.stream()
                .filter(e -> e.migrations().contains(migrations))
                .count());
    }

    @LakebaseBranch(migrations = ReviewedTestCase.MIGRATIONS)
    static class ReviewedTestCase {
        static final String MIGRATIONS = "classpath:migrations/reviewed";
        static final List<Long> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void first(DataSource dataSource) throws Exception {
            note(dataSource);
        }

        @Test
        void second(DataSource dataSource) throws Exception {
            note(dataSource);
        }

        private static void note(DataSource dataSource) throws Exception {
            noteEvents(dataSource, "review_log", MIGRATIONS, SEEN);
        }
    }

    @LakebaseBranch(migrations = KeptReviewTestCase.MIGRATIONS)
    static class KeptReviewTestCase {
        static final String MIGRATIONS = "classpath:migrations/reviewed-kept";
        static final List<Long> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void first(DataSource dataSource) throws Exception {
            note(dataSource);
        }

        @Test
        void second(DataSource dataSource) throws Exception {
            note(dataSource);
        }

        private static void note(DataSource dataSource) throws Exception {
            noteEvents(dataSource, "kept_review_log", MIGRATIONS, SEEN);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/events")
    static class TwoTestsTestCase {
        @Test
        void first(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM event_log"))
                    .isEqualTo(1);
        }

        @Test
        void second(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM event_log"))
                    .isEqualTo(1);
        }
    }
}
