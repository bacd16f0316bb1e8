package io.github.lakebase.junit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Waiting for a busy admin connection is queueing, not a failure: a caller waits past the pool's
 * connection timeout while every admin connection is in use, and fails at that timeout only when the
 * server does not accept new connections.
 */
class AdminSqlTests {

    private static final Duration SHORT = Duration.ofMillis(500);

    @RegisterExtension
    static final TemporaryServer SERVER = new TemporaryServer(40);

    @Test
    void aCallerQueuesPastTheConnectionTimeoutWhileEveryAdminConnectionIsBusy() throws Exception {
        try (AdminSql admin = new AdminSql(TestServers.existingServer(SERVER.get()), 18, SHORT)) {
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
        try (AdminSql admin = new AdminSql(TestServers.existingServer(SERVER.get()), 18, Duration.ofMillis(250))) {
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
        PostgresServer refusing = new ForwardingServer(TestServers.existingServer(SERVER.get())) {
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

    @Test
    void aServerThatAcceptsButNeverAnswersFailsAtTheConnectionTimeout() throws Exception {
        // A stopped (SIGSTOP) server, or a tunnel whose far end is gone: the socket opens, the login never ends.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            PostgresServer hung = new ForwardingServer(TestServers.existingServer(SERVER.get())) {
                @Override
                public Connection connectAdmin() throws SQLException {
                    return BranchConnection.of(
                                    "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/postgres", "u", "p")
                            .open();
                }
            };
            try (AdminSql admin = new AdminSql(hung, 18, SHORT)) {
                assertTimeoutPreemptively(
                        Duration.ofSeconds(30),
                        () -> assertThatThrownBy(() -> admin.execute("SELECT 1"))
                                .isInstanceOf(ProviderException.class)
                                .hasMessageContaining("within"));
            } finally {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aDeadIdleConnectionWhileNewOnesAreSlowToOpenIsReplacedWhileTheCallerWaits() throws Exception {
        AtomicBoolean slow = new AtomicBoolean();
        PostgresServer slowToOpen = new ForwardingServer(TestServers.existingServer(SERVER.get())) {
            @Override
            public Connection connectAdmin() throws SQLException {
                if (slow.get()) {
                    sleep(Duration.ofSeconds(1)); // slow, but well within the connection timeout
                }
                return super.connectAdmin();
            }
        };
        // A connection timeout well beyond the slow open: only a caller left without a connection fails the test.
        try (AdminSql admin = new AdminSql(slowToOpen, 18, Duration.ofSeconds(10))) {
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < AdminSql.POOL_SIZE; i++) {
                held.add(admin.connection());
            }
            Connection dying = held.remove(held.size() - 1);
            int pid = backendPid(dying);
            dying.close(); // idle in the pool
            try (Statement s = held.get(0).createStatement()) {
                s.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
            slow.set(true);
            Thread.sleep(1_000); // idle long enough for HikariCP to test it before lending it
            // HikariCP's test of the idle connection fails, and the pool opens a replacement while the caller waits.
            CompletableFuture<List<String>> queued = CompletableFuture.supplyAsync(
                    () -> admin.query("SELECT datname FROM pg_database WHERE datname = ?", "postgres"));
            assertThat(queued.get(30, TimeUnit.SECONDS)).containsExactly("postgres");
            for (Connection c : held) {
                c.close();
            }
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
