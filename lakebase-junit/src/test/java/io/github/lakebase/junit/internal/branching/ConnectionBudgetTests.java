package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.lakebase.junit.internal.server.TemporaryServer;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The connections of a run on a real server: permits, groups, and waiting for a group's connections to close. */
class ConnectionBudgetTests {

    @RegisterExtension
    static final TemporaryServer SERVER = new TemporaryServer(20);

    @Test
    @SuppressWarnings("try") // held open for the block, not used in it
    void aGroupCountsItsOpenConnectionsAndClosingOneReturnsItsPermit() throws Exception {
        ConnectionBudget budget = new ConnectionBudget(1, "advice");
        ConnectionBudget.Group group = budget.group();

        try (Connection first = group.open(() -> SERVER.get().connect("postgres"))) {
            assertThat(group.openCount()).isEqualTo(1);
        }

        try (Connection second = budget.group().open(() -> SERVER.get().connect("postgres"))) {
            assertThat(second.isValid(1))
                    .as("the permit of the closed connection")
                    .isTrue();
        }
        assertThat(group.openCount()).isZero();
    }

    @Test
    void waitingForAGroupToCloseItsConnectionsEndsWhenTheyAreClosed() throws Exception {
        ConnectionBudget.Group group = new ConnectionBudget(10, "advice").group();
        Connection kept = group.open(() -> SERVER.get().connect("postgres"));
        Connection closedSoon = group.open(() -> SERVER.get().connect("postgres"));

        CompletableFuture.runAsync(
                () -> {
                    try {
                        closedSoon.close();
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                },
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));

        // Woken by the close, long before its own limit (a liveness check with a wide margin, not a timing).
        assertThat(assertTimeoutPreemptively(
                        Duration.ofSeconds(20), () -> group.awaitOpenAtMost(1, Duration.ofMinutes(5))))
                .isTrue();
        assertThat(group.openCount()).isEqualTo(1);
        assertThat(group.awaitOpenAtMost(0, Duration.ofMillis(100)))
                .as("one is still open")
                .isFalse();
        kept.close();
        assertThat(group.awaitOpenAtMost(0, Duration.ZERO)).isTrue();
    }
}
