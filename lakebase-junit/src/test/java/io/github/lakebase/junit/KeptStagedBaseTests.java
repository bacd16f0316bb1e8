package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.integration.StagedBase;
import io.github.lakebase.junit.integration.StartupWork;
import io.github.lakebase.junit.integration.TestBranches;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A base an integration stages with {@link StartupWork} is kept across runs on a persistent data directory: a run
 * with the same work forks it from the base an earlier run sealed ({@link StagedBase#reused()}), a changed input
 * builds it again, and every sealed staged base, built or reused, is told to the base listeners.
 */
@Execution(ExecutionMode.SAME_THREAD) // the fixture's work is one for the class
class KeptStagedBaseTests {

    static final List<Boolean> REUSED = new CopyOnWriteArrayList<>();
    static volatile StartupWork work;

    private Path directory;

    @BeforeEach
    void persistentDataDirectory() throws IOException {
        directory = PersistentDataDirectories.create("kept-staged-base-");
    }

    @Test
    void aRunWithTheSameWorkForksFromTheBaseAnEarlierRunSealed() throws Exception {
        Map<String, String> persistent = Map.of(
                "lakebase.embedded.data-directory", directory.resolve("pgdata").toString());
        String step = "account script " + directory.getFileName();
        work = work(step, "CREATE TABLE account (id bigint)");

        BaseEvent cold = run(persistent, step);
        assertThat(cold.reused()).isFalse();
        assertThat(cold.parent()).isNotEmpty();
        assertThat(cold.migrations()).containsExactly(step);

        BaseEvent warm = run(persistent, step);
        assertThat(warm.reused()).isTrue();
        assertThat(warm.buildTime()).isZero();

        work = work(step, "CREATE TABLE account (id bigint, name text)");
        assertThat(run(persistent, step).reused())
                .as("after a change of the work")
                .isFalse();
        assertThat(REUSED).containsExactly(false, true, false);
    }

    @Test
    void withoutAPersistentDataDirectoryNothingIsReused() {
        String step = "account script without a kept base " + directory.getFileName();
        work = work(step, "CREATE TABLE account (id bigint)");

        assertThat(run(Map.of(), step).reused()).isFalse();
        assertThat(run(Map.of(), step).reused()).isFalse();
    }

    private static StartupWork work(String step, String script) {
        return new StartupWork("accounts", List.of(step), Map.of("script", script.getBytes(StandardCharsets.UTF_8)));
    }

    /** Runs the fixture and returns the event of the one base it staged. */
    private static BaseEvent run(Map<String, String> configuration, String step) {
        int before = events(step).size();
        Fixtures.assertAllSucceeded(Fixtures.run(StagingTestCase.class, configuration), 1);
        List<BaseEvent> events = events(step);
        assertThat(events).hasSize(before + 1);
        return events.get(events.size() - 1);
    }

    private static List<BaseEvent> events(String step) {
        return RecordingBaseListener.EVENTS.stream()
                .filter(e -> e.migrations().contains(step))
                .toList();
    }

    @LakebaseBranch
    static class StagingTestCase {

        @Test
        void stagesRunsItsWorkUnlessItIsDoneAndSeals() throws Exception {
            ExtensionContext context = TestBranches.currentContext().orElseThrow();
            try (StagedBase staged = TestBranches.stageFromParent(context, "", "kept", work)) {
                REUSED.add(staged.reused());
                try (Connection c = staged.dataSource().getConnection();
                        Statement s = c.createStatement()) {
                    if (!staged.reused()) {
                        s.execute(new String(work.inputs().get("script"), StandardCharsets.UTF_8));
                    }
                    try (ResultSet rs = s.executeQuery("SELECT to_regclass('public.account') IS NOT NULL")) {
                        rs.next();
                        assertThat(rs.getBoolean(1)).as("the work's table").isTrue();
                    }
                }
                staged.seal();
            }
        }
    }
}
