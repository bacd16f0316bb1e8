package io.github.lakebase.junit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Waiting for a busy admin connection is queueing, not a failure: a caller waits past the pool's
 * connection timeout while every admin connection is in use, and fails at that timeout only when the
 * server does not accept new connections.
 */
class AdminSqlTests {

    private static final Duration SHORT = Duration.ofMillis(500);

    private static EmbeddedServer server;

    @BeforeAll
    static void start() {
        server = TestServers.startTemporary(40);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aCallerQueuesPastTheConnectionTimeoutWhileEveryAdminConnectionIsBusy() throws Exception {
        try (AdminSql admin = new AdminSql(TestServers.existingServer(server), 18, SHORT)) {
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < AdminSql.POOL_SIZE; i++) {
                held.add(admin.connection());
            }
            CompletableFuture<List<String>> queued = CompletableFuture.supplyAsync(
                    () -> admin.query("SELECT datname FROM pg_database WHERE datname = ?", "postgres"));
            Thread.sleep(SHORT.multipliedBy(4).toMillis()); // four connection timeouts
            assertThat(queued).as("still waiting for a connection").isNotDone();
            for (Connection c : held) {
                c.close();
            }
            assertThat(queued.get(30, TimeUnit.SECONDS)).containsExactly("postgres");
        }
    }

    @Test
    void manyCallersTakingTurnsOnTheAdminConnectionsAllGetOne() throws Exception {
        // A long queue on a pool that is full the whole time: a caller's timeout can fire just as a connection
        // comes back, in the instant it is idle before the next caller takes it; that is still a queue.
        int callers = 100;
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try (AdminSql admin = new AdminSql(TestServers.existingServer(server), 18, Duration.ofMillis(250))) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                all.add(CompletableFuture.runAsync(
                        () -> {
                            for (int turn = 0; turn < 10; turn++) {
                                admin.execute("SELECT pg_sleep(0.02)");
                            }
                        },
                        threads));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aServerThatRefusesConnectionsFailsAtTheConnectionTimeout() {
        PostgresServer refusing = new ForwardingServer(TestServers.existingServer(server)) {
            @Override
            public Connection connectAdmin() throws SQLException {
                throw new SQLException("Connection refused", "08001");
            }
        };
        try (AdminSql admin = new AdminSql(refusing, 18, SHORT)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> admin.execute("SELECT 1"))
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining("Connection refused");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
    }
}
