package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A base built from a Liquibase changelog and kept on a persistent data directory, reused by a later run in another
 * JVM: the report of the later run gives each changeset the duration measured by the run that built the base, which
 * the base itself carries (Liquibase records none).
 */
class LiquibaseReportJvmsTests {

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("liquibase-report-");

    @Test
    void aReusedLiquibaseBaseReportsTheChangesetDurationsOfTheRunThatBuiltIt() throws Exception {
        Path report = jvms.work().resolve("report");

        finish(run("cold", "build-1"));
        JsonNode built = read(report).path("bases").get(0);
        assertThat(built.path("reused").asBoolean()).isFalse();
        long splitting = built.path("migrations").get(0).path("durationMillis").asLong();
        assertThat(splitting).as("the changeset sleeps 200 ms").isGreaterThanOrEqualTo(200);

        finish(run("warm", "build-2"));
        JsonNode reused = read(report).path("bases").get(0);
        assertThat(reused.path("reused").asBoolean()).isTrue();
        assertThat(reused.path("name").asText()).isEqualTo(built.path("name").asText());
        assertThat(reused.path("migrations")).hasSize(2);
        assertThat(reused.path("migrations").get(0).path("changeSet").asText())
                .isEqualTo("report/changelog/changelog.xml::1::alice");
        assertThat(reused.path("migrations").get(0).path("durationMillis").asLong())
                .as("the duration measured when the base was built")
                .isEqualTo(splitting);
        assertThat(reused.path("schemaDiff").asText())
                .contains("`public.stock.location_code`")
                .doesNotContainIgnoringCase("databasechangelog");
    }

    private ChildJvm run(String name, String build) throws Exception {
        Map<String, String> configuration = Map.of(
                "lakebase.embedded.data-directory",
                        jvms.work().resolve("pgdata").toString(),
                "lakebase.parents", "reportstock",
                "lakebase.parent.reportstock.scripts", "classpath:report/stock-parent.sql",
                "lakebase.from", "reportstock",
                "lakebase.migrations", "liquibase:report/changelog/changelog.xml",
                "lakebase.report.directory", jvms.work().resolve("report").toString(),
                "lakebase.report.build-id", build);
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
