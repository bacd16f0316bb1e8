package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The run report across test JVMs, each run through the JUnit Platform launcher in a JVM of its own, as a build
 * runs them: the JVMs of one build (Surefire's {@code forkCount}) give one report, a later build's report has none
 * of an earlier build's, and a base reused from an earlier run is reported as reused, with the durations of the run
 * that built it.
 */
class RunReportJvmsTests {

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("run-report-");

    @Test
    void twoJvmsOfOneBuildShareOneReportWhichTellsAReusedBaseWithItsBuildsDurations() throws Exception {
        Path report = jvms.work().resolve("report");

        finish(run("cold", "build-1"));
        JsonNode cold = read(report);
        assertThat(cold.path("version").asInt()).isEqualTo(1);
        JsonNode built = cold.path("bases").get(0);
        assertThat(built.path("reused").asBoolean()).isFalse();
        long splitting = built.path("migrations").get(0).path("durationMillis").asLong();
        assertThat(splitting).isPositive();

        ChildJvm a = run("warm-a", "build-2");
        ChildJvm b = run("warm-b", "build-2");
        finish(a);
        finish(b);
        JsonNode warm = read(report);
        assertThat(warm.path("build").asText()).isEqualTo("build-2");
        assertThat(warm.path("runs"))
                .as("one run per JVM of the build, none of build-1")
                .hasSize(2);
        try (Stream<Path> fragments = Files.list(report.resolve("runs"))) {
            assertThat(fragments.filter(f -> f.toString().endsWith(".json"))).hasSize(2);
        }
        assertThat(warm.path("bases")).hasSize(2).allSatisfy(base -> {
            assertThat(base.path("reused").asBoolean()).isTrue();
            assertThat(base.path("name").asText()).isEqualTo(built.path("name").asText());
            assertThat(base.path("migrations").get(0).path("script").asText()).isEqualTo("V1__split_stock_code.sql");
            assertThat(base.path("migrations").get(0).path("durationMillis").asLong())
                    .as("the duration recorded when the base was built")
                    .isEqualTo(splitting);
        });
        assertThat(Files.readString(report.resolve("report.md")))
                .contains("1 base, 0 kept branches")
                .contains("reused, as an earlier run built and kept it")
                .contains("| added | column | `public.stock.location_code` | `text` |");
    }

    private ChildJvm run(String name, String build) throws Exception {
        Map<String, String> configuration = new HashMap<>(Map.of(
                "lakebase.embedded.data-directory",
                        jvms.work().resolve("pgdata").toString(),
                "lakebase.parents", "reportstock",
                "lakebase.parent.reportstock.scripts", "classpath:report/stock-parent.sql",
                "lakebase.from", "reportstock",
                "lakebase.migrations", "classpath:report/release1",
                "lakebase.report.directory", jvms.work().resolve("report").toString(),
                "lakebase.report.build-id", build));
        return jvms.start(name, KilledRunTests.NextRunTestCase.class, configuration, List.of(), Map.of());
    }

    private static JsonNode read(Path report) throws Exception {
        return new ObjectMapper().readTree(report.resolve("report.json").toFile());
    }

    /** Waits for a child JVM to run its test and exit, which fails unless it passed. */
    private static void finish(ChildJvm jvm) throws Exception {
        jvm.awaitReport();
        assertThat(jvm.awaitExit()).as("the run passes:\n%s", jvm.logTail()).isZero();
    }
}
