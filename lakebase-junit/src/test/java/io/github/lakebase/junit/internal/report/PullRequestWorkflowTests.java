package io.github.lakebase.junit.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example GitHub Actions workflows of {@code docs/examples/github}: GitHub cannot be reached from a test, so
 * what they say is read from the files: the report job runs the tests and posts the report the library writes, the
 * cleanup job drops the branches the report job's runs created, and both use common actions only.
 */
class PullRequestWorkflowTests {

    private static final Path EXAMPLES = Path.of("..", "docs", "examples", "github");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theReportJobRunsTheTestsAndPostsTheReportAsOneComment() throws IOException {
        JsonNode workflow = read("lakebase-report.yml");
        assertThat(workflow.path("on").has("pull_request")).isTrue();
        assertThat(workflow.path("permissions").path("pull-requests").asText()).isEqualTo("write");
        List<JsonNode> steps = steps(workflow);

        assertThat(steps)
                .anySatisfy(step -> assertThat(step.path("run").asText())
                        .startsWith("./mvnw")
                        .contains("verify"));
        assertThat(steps)
                .filteredOn(step -> step.path("uses").asText().startsWith("actions/upload-artifact@"))
                .singleElement()
                .satisfies(step ->
                        assertThat(step.path("with").path("path").asText()).contains("target/lakebase/report."));
        JsonNode post = steps.stream()
                .filter(step -> step.path("uses").asText().startsWith("actions/github-script@"))
                .findFirst()
                .orElseThrow();
        assertThat(post.path("if").asText()).contains("always()");
        assertThat(post.path("with").path("script").asText())
                .contains("'**/target/lakebase/report.md'")
                .contains("const marker = '" + ReportMarkdown.MARKER + "'")
                .contains("updateComment")
                .contains("createComment");
        assertThat(workflow.path("jobs")
                        .path("test")
                        .path("env")
                        .path("LAKEBASE_REPORT_BUILD_ID")
                        .asText())
                .as("the test JVMs of the job write one report")
                .contains("github.run_id");
    }

    @Test
    void theCleanupJobDropsTheBranchesOfThePullRequestWhenItCloses() throws IOException {
        JsonNode workflow = read("lakebase-cleanup.yml");
        assertThat(workflow.path("on").path("pull_request").path("types"))
                .extracting(JsonNode::asText)
                .containsExactly("closed");
        assertThat(steps(workflow))
                .anySatisfy(step -> assertThat(step.path("run").asText())
                        .startsWith("./mvnw")
                        .contains("lakebase:drop")
                        .contains("older-than"));
        String prefix = workflow.path("jobs")
                .path("drop")
                .path("env")
                .path("LAKEBASE_BRANCH_PREFIX")
                .asText();
        assertThat(prefix)
                .as("the prefix the report job's branches carry")
                .isEqualTo(read("lakebase-report.yml")
                        .path("jobs")
                        .path("test")
                        .path("env")
                        .path("LAKEBASE_BRANCH_PREFIX")
                        .asText());
        assertThat(prefix.replace("${{ github.event.pull_request.number }}", "4711"))
                .as("a valid lakebase.branch-prefix")
                .matches("[a-z][a-z0-9_]{0,11}");
    }

    @Test
    void bothUseCommonActionsOnly() throws IOException {
        for (String file : List.of("lakebase-report.yml", "lakebase-cleanup.yml")) {
            assertThat(steps(read(file)))
                    .as(file)
                    .extracting(step -> step.path("uses").asText())
                    .filteredOn(uses -> !uses.isEmpty())
                    .allMatch(uses -> uses.startsWith("actions/"), "an action of GitHub's own");
        }
    }

    private static JsonNode read(String file) throws IOException {
        return YAML.readTree(EXAMPLES.resolve(file).toFile());
    }

    private static List<JsonNode> steps(JsonNode workflow) {
        List<JsonNode> steps = new ArrayList<>();
        workflow.path("jobs").forEach(job -> job.path("steps").forEach(steps::add));
        assertThat(steps).as("steps").isNotEmpty();
        return steps;
    }
}
