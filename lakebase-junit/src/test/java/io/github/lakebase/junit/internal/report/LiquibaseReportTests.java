package io.github.lakebase.junit.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base built from a Liquibase changelog in the run report: each changeset it applied beyond the parent, as {@code
 * file::id::author} in the order it ran, with the duration the library measured when it ran on the parent's data
 * (Liquibase records none), and the schema diff from the parent without the tools' own tables.
 */
class LiquibaseReportTests {

    static final String CHANGELOG = "liquibase:report/changelog/changelog.xml";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLiquibaseBaseListsEachChangesetBeyondTheParentWithItsMeasuredDuration(@TempDir Path directory)
            throws IOException {
        Fixtures.assertAllSucceeded(Fixtures.run(ChangelogTestCase.class, RunReportTests.configuration(directory)), 1);

        JsonNode base = lastBase(directory, CHANGELOG);
        assertThat(base.path("parent").asText()).isEqualTo("reportstock");
        assertThat(base.path("problem").isNull())
                .as("problem: %s", base.path("problem"))
                .isTrue();
        JsonNode migrations = base.path("migrations");
        assertThat(migrations).hasSize(2);
        assertThat(migrations.get(0).path("changeSet").asText()).isEqualTo("report/changelog/changelog.xml::1::alice");
        assertThat(migrations.get(1).path("changeSet").asText()).isEqualTo("report/changelog/changelog.xml::2::bob");
        assertThat(migrations.get(0).path("durationMillis").asLong())
                .as("the changeset sleeps 200 ms: its duration is measured, not read from DATABASECHANGELOG")
                .isGreaterThanOrEqualTo(200);
        assertThat(migrations.get(0).path("installedOn").asText()).isNotBlank();
        assertThat(base.path("schemaDiff").asText())
                .contains("| added | column | `public.stock.location_code` | `text` |")
                .contains("| added | index | `public.stock_location_idx` |")
                .doesNotContainIgnoringCase("databasechangelog")
                .doesNotContain("flyway_schema_history");
        assertThat(Files.readString(directory.resolve("report.md")))
                .contains("| changeset | change | duration on `reportstock` |")
                .contains("| `report/changelog/changelog.xml::1::alice` |");
    }

    @Test
    void theSectionOfALiquibaseBaseReadsAsTheGoldenFileSays(@TempDir Path directory) throws IOException {
        Fixtures.assertAllSucceeded(Fixtures.run(ChangelogTestCase.class, RunReportTests.configuration(directory)), 1);

        ObjectNode base = (ObjectNode) lastBase(directory, CHANGELOG).deepCopy();
        base.put("run", "run").put("name", "lbj_run_base").put("buildMillis", 0);
        for (JsonNode migration : base.path("migrations")) {
            ((ObjectNode) migration).put("durationMillis", 0).putNull("installedOn");
        }
        ObjectNode report = JSON.createObjectNode().put("version", 1).put("build", "build");
        report.putArray("runs").add("run");
        report.putArray("bases").add(base);
        report.putArray("keptBranches");

        assertThat(ReportMarkdown.render(JSON.treeToValue(report, ReportDocument.class)))
                .isEqualTo(Files.readString(Path.of("src/test/resources/report/liquibase-base.golden.md")));
    }

    /**
     * The last base of {@code locations} on the parent {@code reportstock} in the report: the JVM's earlier runs are
     * in it too.
     */
    static JsonNode lastBase(Path directory, String... locations) throws IOException {
        JsonNode report = JSON.readTree(directory.resolve("report.json").toFile());
        ArrayNode wanted = JSON.createArrayNode();
        for (String location : locations) {
            wanted.add(location);
        }
        List<JsonNode> found = new ArrayList<>();
        report.path("bases").forEach(b -> {
            if (b.path("locations").equals(wanted) && b.path("parent").asText().equals("reportstock")) {
                found.add(b);
            }
        });
        assertThat(found).as("bases of %s in %s", wanted, report).isNotEmpty();
        return found.get(found.size() - 1);
    }

    @LakebaseBranch(from = "reportstock", migrations = CHANGELOG)
    static class ChangelogTestCase {
        @Test
        void seesTheLocations(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(DISTINCT location_code) FROM stock"))
                    .isEqualTo(250);
        }
    }
}
