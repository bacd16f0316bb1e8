package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.testcontainers.DockerClientFactory;

/**
 * {@code lakebase.provider=testcontainers}: where a Docker engine runs, branches come from a
 * PostgreSQL container; where none runs, {@code lakebase.disabled-when-unavailable=true} skips the
 * tests with the reason, and without it they fail saying so.
 */
class TestcontainersProviderTests {

    private static final boolean DOCKER = dockerAvailable();

    @Test
    void runsOnAContainerOrIsSkippedWithTheReason() {
        EngineExecutionResults results = Fixtures.run(
                ContainerTestCase.class,
                Map.of(
                        "lakebase.provider", "testcontainers",
                        "lakebase.disabled-when-unavailable", "true"));

        if (DOCKER) {
            Fixtures.assertAllSucceeded(results, 2);
        } else {
            assertThat(results.containerEvents().skipped().stream().map(e -> e.getRequiredPayload(String.class)))
                    .singleElement()
                    .asString()
                    .contains("lakebase-junit")
                    .contains("Docker");
            results.testEvents().assertStatistics(s -> s.started(0));
        }
    }

    @Test
    void withoutDockerTheTestsFailSayingWhy() {
        if (DOCKER) {
            return;
        }
        EngineExecutionResults results =
                Fixtures.run(ContainerTestCase.class, Map.of("lakebase.provider", "testcontainers"));
        results.testEvents().assertStatistics(s -> s.started(2).failed(2));
        assertThat(results.testEvents().failed().stream()
                        .map(e -> e.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
                                .getThrowable()
                                .orElseThrow()
                                .getMessage()))
                .allSatisfy(m -> assertThat(m).contains("Docker").contains("lakebase.disabled-when-unavailable"));
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @LakebaseBranch
    static class ContainerTestCase {
        @Test
        void seesMigratedData(DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }

        @Test
        void destroysData(DataSource dataSource) throws SQLException {
            Fixtures.execute(dataSource, "DELETE FROM inventory");
        }
    }
}
