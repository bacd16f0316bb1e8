package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A base kept across runs is reviewed once, by the run that builds it: a later JVM that reuses it reports what that
 * review found, read from the report directory, instead of forking the base and its parent again on the way to its
 * first test; a later JVM that builds it again ({@code lakebase.rebuild-bases=true}) reviews it again. Each run is
 * a JVM of its own, as in a build: within one JVM the first run's service still holds the base, and a second never
 * builds it again under it.
 */
class KeptBaseReviewTests {

    private static final String RELEASE_1 = "classpath:report/release1";

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("kept-review-");

    @Test
    void aRunThatReusesAKeptBaseReportsTheReviewOfTheRunThatBuiltIt() throws Exception {
        Map<String, String> configuration = configuration();
        String mark = "\nread from the review of the run that built the base\n";
        JsonNode built = buildAndRewriteItsReview(configuration, diff -> diff + mark);
        String marked = built.path("schemaDiff").asText() + mark;

        run("reused", configuration);

        JsonNode reused = latest();
        assertThat(reused.path("run").asText()).isNotEqualTo(built.path("run").asText());
        assertThat(reused.path("name").asText()).isEqualTo(built.path("name").asText());
        assertThat(reused.path("reused").asBoolean()).isTrue();
        assertThat(reused.path("schemaDiff").asText()).isEqualTo(marked);
        assertThat(reused.path("migrations")).isEqualTo(built.path("migrations"));
    }

    @Test
    void aBaseBuiltAgainIsReviewedAgain() throws Exception {
        Map<String, String> configuration = configuration();
        JsonNode built = buildAndRewriteItsReview(configuration, diff -> "stale");
        Path review = review(built);

        Map<String, String> rebuild = new HashMap<>(configuration);
        rebuild.put("lakebase.rebuild-bases", "true");
        run("rebuilt", rebuild);

        JsonNode again = latest();
        assertThat(again.path("run").asText()).isNotEqualTo(built.path("run").asText());
        assertThat(again.path("reused").asBoolean()).isFalse();
        assertThat(again.path("schemaDiff").asText())
                .isEqualTo(built.path("schemaDiff").asText());
        assertThat(Files.readString(review)).doesNotContain(json("stale"));
    }

    /**
     * Runs a JVM that builds the base, and rewrites the schema diff in the review it wrote with {@code rewrite}, so
     * that a later run shows whether it read the review or made one.
     *
     * @return the base as the run reported it, with the schema diff it found
     */
    private JsonNode buildAndRewriteItsReview(Map<String, String> configuration, UnaryOperator<String> rewrite)
            throws Exception {
        run("built", configuration);
        JsonNode built = latest();
        Path review = review(built);
        assertThat(review).as("the review of the base that run built").exists();
        String diff = built.path("schemaDiff").asText();
        Files.writeString(review, Files.readString(review).replace(json(diff), json(rewrite.apply(diff))));
        return built;
    }

    /** A parent with data, a persistent data directory where bases are kept, and the report, all in the work. */
    private Map<String, String> configuration() {
        Map<String, String> configuration = new HashMap<>();
        configuration.put("lakebase.parents", "reportstock");
        configuration.put("lakebase.parent.reportstock.scripts", "classpath:report/stock-parent.sql");
        configuration.put("lakebase.report.enabled", "true");
        configuration.put("lakebase.report.directory", report().toString());
        configuration.put("lakebase.report.build-id", "kept-review-tests");
        configuration.put(
                "lakebase.embedded.data-directory",
                jvms.work().resolve("pgdata").toString());
        return configuration;
    }

    private Path report() {
        return jvms.work().resolve("report");
    }

    private void run(String name, Map<String, String> configuration) throws Exception {
        ChildJvm child =
                jvms.start(name, ReleaseOneTestCase.class, configuration, List.of(), Map.of(), List.of(), null);
        child.awaitReport();
        assertThat(child.awaitExit())
                .as("the %s run passes:\n%s", name, child.logTail())
                .isZero();
    }

    /** The review file of {@code base}, in the report directory. */
    private Path review(JsonNode base) {
        return report().resolve("bases").resolve(base.path("name").asText() + ".json");
    }

    /**
     * The kept base of release 1 that the last run reported: the report lists the bases of every run of the build,
     * run by run.
     */
    private JsonNode latest() throws Exception {
        JsonNode document =
                new ObjectMapper().readTree(report().resolve("report.json").toFile());
        List<JsonNode> bases = new ArrayList<>();
        for (JsonNode base : document.path("bases")) {
            if (base.path("name").asText().startsWith("lbj_base_")
                    && base.path("locations").toString().equals("[\"" + RELEASE_1 + "\"]")) {
                bases.add(base);
            }
        }
        assertThat(bases).isNotEmpty();
        return bases.get(bases.size() - 1);
    }

    /** {@code text} as a JSON string literal's content, as the review file holds it. */
    private static String json(String text) {
        String quoted = new ObjectMapper().valueToTree(text).toString();
        return quoted.substring(1, quoted.length() - 1);
    }

    @LakebaseBranch(from = "reportstock", migrations = RELEASE_1)
    @EnabledIfSystemProperty(named = HoldBranchesMain.CHILD_PROPERTY, matches = "true")
    static class ReleaseOneTestCase {
        @Test
        void seesTheSplitCodes(Branch branch) throws Exception {
            DataSource dataSource = branch.dataSource();
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM stock WHERE location_code IS NOT NULL"))
                    .isPositive();
            HoldBranchesMain.report(branch, Map.of(), Map.of());
        }
    }
}
