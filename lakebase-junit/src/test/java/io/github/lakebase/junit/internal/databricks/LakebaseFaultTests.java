package io.github.lakebase.junit.internal.databricks;

import static io.github.lakebase.junit.Fixtures.assertAllSucceeded;
import static io.github.lakebase.junit.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.databricks.fake.FakeBranch;
import io.github.lakebase.junit.internal.databricks.fake.FakeLakebase;
import io.github.lakebase.junit.internal.databricks.fake.FakeProject;
import io.github.lakebase.junit.internal.databricks.fake.Faults.Call;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * What Lakebase does wrong, now and then, and what the tests see of it: nothing, except where a wait
 * runs out, and then a message that says what to change. Each test has a fake workspace of its own,
 * since faults apply to a whole workspace.
 */
class LakebaseFaultTests {

    private static final String PROJECT = "faults";

    @Test
    void throttlingAndServerErrorsAreRetried() {
        FakeLakebase fake = fake();
        fake.faults()
                .throttle(Call.CREATE, 2)
                .internalErrors(Call.CREATE, 1)
                .unavailable(Call.OPERATION, 2)
                .throttle(Call.ENDPOINT, 2)
                .unavailable(Call.CREDENTIAL, 1)
                .internalErrors(Call.DELETE, 1)
                .unavailable(Call.GET, 1)
                .throttle(Call.ME, 1)
                .unavailable(Call.LIST, 1);

        assertAllSucceeded(Fixtures.run(TwoTestsTestCase.class, fake.configuration(PROJECT)), 2);

        assertThat(fake.faults().calls(Call.CREATE))
                .as("3 branches, 3 refused attempts")
                .isEqualTo(6);
        assertThat(fake.faults().calls(Call.DELETE))
                .as("2 branches, 1 failed attempt")
                .isEqualTo(3);
        assertThat(fake.project(PROJECT).mostBranchesAtOnce())
                .as("no branch twice")
                .isLessThanOrEqualTo(4);
    }

    @Test
    void aCreationWhoseAnswerIsLostIsCheckedAndTakenInsteadOfRepeated() {
        FakeLakebase fake = fake();
        fake.faults().loseAnswers(Call.CREATE, 2).loseAnswers(Call.DELETE, 1);

        assertAllSucceeded(Fixtures.run(TwoTestsTestCase.class, fake.configuration(PROJECT)), 2);

        assertThat(fake.faults().calls(Call.CREATE))
                .as("one call per branch: the lost ones were found")
                .isEqualTo(3);
        assertThat(fake.faults().calls(Call.GET))
                .as("looked up after each lost answer")
                .isGreaterThanOrEqualTo(2);
        assertThat(fake.faults().calls(Call.DELETE))
                .as("a deletion whose answer was lost is repeated, and finds the branch gone or going")
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void slowOperationsAndEndpointsAreWaitedFor() {
        FakeLakebase fake = fake();
        fake.faults().operationDelay(Duration.ofMillis(300)).endpointDelay(Duration.ofMillis(1000));

        assertAllSucceeded(Fixtures.run(TwoTestsTestCase.class, fake.configuration(PROJECT)), 2);

        // Each new branch (the base and the two tests') has its creation found running and its endpoint without a
        // host at least once, however slow the machine; each such answer must be followed by another poll.
        for (Call poll : List.of(Call.OPERATION, Call.ENDPOINT)) {
            int notReady = fake.faults().notReady(poll);
            assertThat(notReady)
                    .as("%s answers that it was not ready yet", poll)
                    .isGreaterThanOrEqualTo(3);
            assertThat(fake.faults().calls(poll))
                    .as("%s polled again after each of its %d answers that it was not ready", poll, notReady)
                    .isGreaterThanOrEqualTo(notReady + 3);
        }
    }

    @Test
    void anOperationSlowerThanTheTimeoutFailsSayingWhatToRaiseAndLeavesNothing() throws Exception {
        FakeLakebase fake = fake();
        // Four times the timeout: a poll that a busy machine delays past the timeout must still find it running.
        fake.faults().operationDelay(Duration.ofSeconds(4));

        EngineExecutionResults results = Fixtures.run(
                TwoTestsTestCase.class,
                with(fake.configuration(PROJECT), "lakebase.databricks.operation-timeout", "1s"));

        results.testEvents().assertStatistics(s -> s.failed(2));
        assertThat(Fixtures.failureMessages(results))
                .allSatisfy(m -> assertThat(m)
                        .contains("did not finish within 1s")
                        .contains("lakebase.databricks.operation-timeout"));
        awaitOnly(fake.project(PROJECT), "production");
    }

    @Test
    void theFirstLoginsAreRetriedWhileTheRoleIsPropagating() {
        FakeLakebase fake = fake();
        fake.faults().authorizationDelay(Duration.ofMillis(800));

        assertAllSucceeded(Fixtures.run(TwoTestsTestCase.class, fake.configuration(PROJECT)), 2);

        // Each new branch (the base and the two tests') refuses its first logins; how many fall within the delay
        // varies with the machine's speed, and each retry needs a credential of its own.
        int refused = fake.faults().refusedLogins();
        assertThat(refused).as("logins refused while the role propagated").isGreaterThanOrEqualTo(3);
        assertThat(fake.faults().calls(Call.CREDENTIAL))
                .as("a fresh credential for every retried login (%d refused)", refused)
                .isGreaterThanOrEqualTo(refused + 2);
    }

    @Test
    void aBranchThatNeverAcceptsALoginFailsSayingWhatToRaise() {
        FakeLakebase fake = fake();
        fake.faults().authorizationDelay(Duration.ofMinutes(5));

        EngineExecutionResults results = Fixtures.run(
                TwoTestsTestCase.class,
                with(fake.configuration(PROJECT), "lakebase.databricks.endpoint-timeout", "1s"));

        assertThat(Fixtures.failureMessages(results))
                .hasSize(2)
                .allSatisfy(m -> assertThat(m)
                        .contains("did not accept a login within 1s")
                        .contains("External authorization failed")
                        .contains("lakebase.databricks.endpoint-timeout"));
        awaitOnly(fake.project(PROJECT), "production");
    }

    @Test
    void aCredentialIsRenewedBeforeItExpires() {
        FakeLakebase fake = fake();
        fake.faults().credentialLifetime(Duration.ofSeconds(2));

        assertAllSucceeded(Fixtures.run(LongLivedPoolTestCase.class, fake.configuration(PROJECT)), 1);

        assertThat(fake.faults().calls(Call.CREDENTIAL)).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aLoginWhoseCredentialRanOutOnTheWayIsTriedOnceMoreWithAFreshOne() {
        FakeLakebase fake = fake();
        fake.faults().expiredCredentials(1);

        assertAllSucceeded(Fixtures.run(TwoTestsTestCase.class, fake.configuration(PROJECT)), 2);

        assertThat(fake.faults().calls(Call.CREDENTIAL))
                .as("the expired credential and its replacement")
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void aLoginRefusedWithFreshCredentialsFailsAfterOneRetryAndSaysWhy() {
        FakeLakebase fake = fake();
        fake.faults().expiredCredentials(Integer.MAX_VALUE);

        EngineExecutionResults results = Fixtures.run(TwoTestsTestCase.class, fake.configuration(PROJECT));

        assertThat(Fixtures.failureMessages(results))
                .hasSize(2)
                .allSatisfy(m -> assertThat(m).contains("could not log in").contains("password authentication failed"));
        // The base is built once and its failure remembered: one login and one retry, each with its own credential.
        assertThat(fake.faults().calls(Call.CREDENTIAL)).isEqualTo(2);
        awaitOnly(fake.project(PROJECT), "production");
    }

    @Test
    void aCredentialThatExpiresWhileFlywayRunsIsRenewedForFlywaysNextConnection() {
        FakeLakebase fake = fake();
        fake.faults().credentialLifetime(Duration.ofSeconds(2));

        // Flyway opens its migration connection after validating; a callback makes validation outlast the credential.
        assertAllSucceeded(
                Fixtures.run(
                        TwoTestsTestCase.class,
                        with(fake.configuration(PROJECT), "flyway.callbacks", SlowValidation.class.getName())),
                2);

        assertThat(SlowValidation.waited).as("the callback ran").isTrue();
    }

    /** A Flyway callback that takes longer than a short-lived credential lives, before Flyway validates. */
    public static final class SlowValidation implements Callback {
        static volatile boolean waited;

        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.BEFORE_VALIDATE;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            try {
                Thread.sleep(2500);
                waited = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String getCallbackName() {
            return "slow validation";
        }
    }

    static class LongLivedPoolTestCase {

        @Test
        void opensConnectionsAfterTheFirstCredentialExpired(@LakebaseBranch Branch branch) throws Exception {
            String first = branch.password();
            try (Connection c = branch.dataSource().getConnection()) {
                assertThat(count(c, "SELECT count(*) FROM inventory")).isEqualTo(3);
            }
            Thread.sleep(2500);
            assertThat(Fixtures.reachable(branch.jdbcUrl(), branch.username(), first))
                    .as("the fake enforces expiry")
                    .isFalse();
            branch.dataSource()
                    .unwrap(com.zaxxer.hikari.HikariDataSource.class)
                    .getHikariPoolMXBean()
                    .softEvictConnections();
            try (Connection c = branch.dataSource().getConnection()) {
                assertThat(count(c, "SELECT count(*) FROM inventory")).isEqualTo(3);
            }
        }
    }

    @Test
    void theHeartbeatKeepsBranchesAliveBeyondTheirTtl() {
        FakeLakebase fake = fake();
        OutlivesItsTtlTestCase.project = fake.project(PROJECT);

        assertAllSucceeded(
                Fixtures.run(
                        OutlivesItsTtlTestCase.class,
                        with(fake.configuration(PROJECT), "lakebase.databricks.branch-ttl", "10s")),
                1);

        assertThat(fake.faults().calls(Call.UPDATE))
                .as("extensions of the base and the branch")
                .isGreaterThan(4);
    }

    static class OutlivesItsTtlTestCase {
        static volatile FakeProject project;

        @Test
        void livesLongerThanItsTtl(@LakebaseBranch Branch branch, @LakebaseBranch DataSource dataSource)
                throws Exception {
            Instant created = Instant.now();
            // Longer than branch-ttl, which is long enough that the fake's forks (database copies), slow on a
            // loaded machine, leave a new branch most of it before the heartbeat takes over.
            Thread.sleep(11_500);
            FakeBranch fake = project.branch(branch.name()).orElseThrow();
            assertThat(fake.expireTime()).as("extended").isAfter(created.plusSeconds(10));
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    @Test
    void aWorkspaceCapOnExpiryIsAConfigurationError() {
        FakeLakebase fake = fake();
        fake.faults().maxTtl(Duration.ofMinutes(30));

        EngineExecutionResults results = Fixtures.run(TwoTestsTestCase.class, fake.configuration(PROJECT));

        assertThat(Fixtures.failureMessages(results))
                .hasSize(2)
                .allSatisfy(m -> assertThat(m)
                        .contains("exceeds the maximum expiration time")
                        .contains("Lower lakebase.databricks.branch-ttl (now 1h)"));
    }

    static class TwoTestsTestCase {

        @Test
        void first(@LakebaseBranch DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }

        @Test
        void second(@LakebaseBranch DataSource dataSource) throws SQLException {
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }

    private static FakeLakebase fake() {
        FakeLakebase fake = FakeLakebase.start();
        fake.createProject(PROJECT, "production", "");
        return fake;
    }

    static Map<String, String> with(Map<String, String> configuration, String key, String value) {
        Map<String, String> all = new HashMap<>(configuration);
        all.put(key, value);
        return all;
    }

    /** Waits until the project has only these branches (a deletion may still be under way). */
    static void awaitOnly(FakeProject project, String... branches) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // an upper bound on a hang
        while (System.nanoTime() < deadline && project.branches().size() != branches.length) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertThat(project.branches()).extracting(FakeBranch::id).containsExactlyInAnyOrder(branches);
    }
}
