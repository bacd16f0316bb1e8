package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Passwords never appear in logs or failure messages: everything the library prints while tests
 * fail, branches are kept and migrations break is captured and searched for the password.
 */
@Isolated("captures System.out and System.err")
class SecretsTests {

    static final AtomicReference<Branch> BRANCH = new AtomicReference<>();

    @Test
    void noPasswordInLogsOrMessages() throws Exception {
        Fixtures.assertAllSucceeded(Fixtures.run(PasswordTestCase.class), 1);
        Branch branch = BRANCH.get();
        String password = branch.password();
        assertThat(password).hasSizeGreaterThan(8);
        String adminUrl = branch.jdbcUrl().replaceAll("/[^/?]+$", "/postgres") + "?user=" + branch.username()
                + "&password=" + password;

        List<String> messages = new ArrayList<>();
        String output = capture(() -> {
            messages.addAll(failures(Fixtures.run(KeptAfterFailureTestCase.class)));
            messages.addAll(failures(Fixtures.run(FailingMigrationTestCase.class)));
            messages.addAll(failures(Fixtures.run(
                    KeptAfterFailureTestCase.class,
                    Map.of("lakebase.provider", "postgres", "lakebase.postgres.url", adminUrl))));
            messages.addAll(failures(Fixtures.run(
                    KeptAfterFailureTestCase.class,
                    Map.of(
                            "lakebase.provider",
                            "postgres",
                            "lakebase.postgres.url",
                            "jdbc:postgresql://127.0.0.1:1/x" + "?password=" + password))));
        });

        assertThat(messages).as("failure messages").isNotEmpty().noneMatch(m -> m.contains(password));
        assertThat(output.split("Kept branch", -1))
                .as("a kept branch is logged for each provider; failures: %s", messages)
                .hasSize(3);
        assertThat(output).as("log output").doesNotContain(password);
        for (Branch kept : KeptAfterFailureTestCase.KEPT) {
            try (var c = kept.openConnection();
                    var s = c.createStatement()) {
                s.execute("SELECT 1");
            }
            drop(branch, kept.name());
        }
    }

    private static List<String> failures(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(e -> e.getRequiredPayload(TestExecutionResult.class)
                        .getThrowable()
                        .orElseThrow())
                .map(t -> {
                    StringBuilder all = new StringBuilder();
                    for (Throwable c = t; c != null; c = c.getCause()) {
                        all.append(c).append('\n');
                    }
                    return all.toString();
                })
                .toList();
    }

    private static String capture(ThrowingRunnable action) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream tee = new PrintStream(new Tee(buffer, err), true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            System.setErr(tee);
            action.run();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static void drop(Branch any, String database) throws Exception {
        String admin = any.jdbcUrl().replaceAll("/[^/?]+(\\?.*)?$", "/postgres");
        try (var c = java.sql.DriverManager.getConnection(admin, any.username(), any.password());
                var s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }

    static class PasswordTestCase {
        @Test
        @LakebaseBranch
        void remember(Branch branch) {
            BRANCH.set(branch);
        }
    }

    @LakebaseBranch(cleanup = CleanupMode.ON_SUCCESS)
    static class KeptAfterFailureTestCase {
        static final List<Branch> KEPT = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Test
        void fails(Branch branch, DataSource dataSource) {
            KEPT.add(branch);
            throw new AssertionError(
                    "deliberately failing; connect with " + branch.jdbcUrl().replaceAll("password=.*", ""));
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/failing")
    static class FailingMigrationTestCase {
        @Test
        void test(DataSource dataSource) {}
    }
}
