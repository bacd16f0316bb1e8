package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.internal.server.TemporaryServer;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A branch's pool on a real server: what it hands out after the branch is reset. */
class BranchPoolTests {

    @RegisterExtension
    static final TemporaryServer SERVER = new TemporaryServer(20).withProvider("branchpooltests");

    /**
     * A session the pool began to open before a reset, and that joins the pool after the reset began (the pool opens
     * one for a borrower that then took another, handed back): it was a session of the database the reset dropped,
     * and the pool must never hand it out.
     */
    @Test
    void aSessionOpenedBeforeAResetNeverJoinsThePoolAfterIt() throws Exception {
        String name = "lbj_branchpooltests_1_test";
        HeldBack opener = new HeldBack(branch(name));
        BranchPool pool = new BranchPool(name, opener, new ConnectionBudget(20, "none").group());
        DataSource dataSource = pool.dataSource(2);
        try {
            openASecondSessionHeldBack(dataSource, opener);

            CompletableFuture<Void> reset = CompletableFuture.runAsync(
                    () -> pool.reset(() -> SERVER.provider().reset(name, "template1")));
            try {
                reset.get(2, TimeUnit.SECONDS); // a pool that lets the reset run now ends it meanwhile
            } catch (java.util.concurrent.TimeoutException e) {
                // a pool that waits for the session being opened: let it go on
            }
            opener.release.countDown();
            reset.get(60, TimeUnit.SECONDS);

            for (int i = 0; i < 3; i++) {
                try (Connection c = dataSource.getConnection();
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertThat(rs.next()).as("a session after the reset works").isTrue();
                }
            }
        } finally {
            opener.release.countDown();
            pool.end();
            SERVER.provider().delete(name);
        }
    }

    /**
     * A spare's session opened ahead of its test, and still being opened when the test has ended (a test quicker than
     * a login on a loaded machine): the restore that borrows the pool's sessions gets it too, once it is open, instead
     * of finding a session that joined during the restore and giving the branch up.
     */
    @Test
    void aRestoreBorrowsTheSessionStillBeingOpenedAhead() throws Exception {
        String name = "lbj_branchpooltests_2_test";
        HeldBack opener = new HeldBack(branch(name));
        BranchPool pool = new BranchPool(name, opener, new ConnectionBudget(20, "none").group());
        try {
            opener.holdBack.set(true);
            pool.connectAhead(1, session -> {});
            assertThat(opener.connected.await(30, TimeUnit.SECONDS))
                    .as("the session opened ahead connected")
                    .isTrue();
            borrowsOnceLetGo(pool, opener, 1);
        } finally {
            opener.release.countDown();
            pool.end();
            SERVER.provider().delete(name);
        }
    }

    /**
     * A session the pool opens for a test while another is already open (the test asked for a second one, then handed
     * the first back and ended), and that is still being opened when the restore borrows the pool's sessions: the
     * restore waits for it and borrows it too, instead of finding it joined during the restore and giving the branch
     * up.
     */
    @Test
    void aRestoreBorrowsASessionThePoolIsStillOpeningForItsTest() throws Exception {
        String name = "lbj_branchpooltests_3_test";
        HeldBack opener = new HeldBack(branch(name));
        BranchPool pool = new BranchPool(name, opener, new ConnectionBudget(20, "none").group());
        DataSource dataSource = pool.dataSource(2);
        try {
            openASecondSessionHeldBack(dataSource, opener);
            borrowsOnceLetGo(pool, opener, 2);
        } finally {
            opener.release.countDown();
            pool.end();
            SERVER.provider().delete(name);
        }
    }

    /**
     * A session of the pool that the server ended while it sat idle (a test that injects faults, an administrator):
     * HikariCP finds it dead as the restore borrows it, and opens another in its place, which the restore gets at
     * once rather than after the pool's connection timeout.
     */
    @Test
    void aRestoreThatFindsASessionOfItsPoolDeadBorrowsTheOneOpenedInItsPlace() throws Exception {
        String name = "lbj_branchpooltests_4_test";
        BranchConnection branch = branch(name);
        BranchPool pool = new BranchPool(name, branch, new ConnectionBudget(20, "none").group());
        DataSource dataSource = pool.dataSource(2);
        try {
            Connection ended = dataSource.getConnection();
            Connection other = dataSource.getConnection();
            int pid = ended.unwrap(org.postgresql.PGConnection.class).getBackendPID();
            ended.close();
            other.close();
            try (Connection admin = branch.open();
                    Statement s = admin.createStatement()) {
                s.execute("SELECT pg_terminate_backend(" + pid + ", 10000)");
            }
            Thread.sleep(800); // HikariCP checks a session it hands out once it has been idle for 500 ms

            long start = System.nanoTime();
            borrowForARestore(pool, sessions -> {
                assertThat((System.nanoTime() - start) / 1_000_000)
                        .as("milliseconds to borrow them (the pool's connection timeout is over a minute)")
                        .isLessThan(30_000);
                assertThat(sessions)
                        .as("the pool's sessions, borrowed for a restore")
                        .hasSize(2)
                        .allMatch(c -> isValid(c));
            });
        } finally {
            pool.end();
            SERVER.provider().delete(name);
        }
    }

    /**
     * Has the pool open a second session for a borrower, which {@code opener} holds back once connected, while the
     * first is borrowed; then hands the first back, which the borrower takes: the second joins the pool idle once
     * {@code opener} lets it go.
     */
    private static void openASecondSessionHeldBack(DataSource dataSource, HeldBack opener) throws Exception {
        Connection first = dataSource.getConnection();
        opener.holdBack.set(true);
        CompletableFuture<Void> borrower = CompletableFuture.runAsync(() -> {
            try (Connection c = dataSource.getConnection()) { // waits; the pool opens a second session for it
                c.isValid(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(opener.connected.await(30, TimeUnit.SECONDS))
                .as("the second session connected")
                .isTrue();
        first.close();
        borrower.get(30, TimeUnit.SECONDS);
    }

    /**
     * Borrows the pool's sessions as a restore does, while {@code opener} holds a session back for 300 ms more: the
     * restore waits for it, and gets {@code expected} sessions.
     */
    private static void borrowsOnceLetGo(BranchPool pool, HeldBack opener, int expected) throws SQLException {
        CompletableFuture.runAsync(
                opener.release::countDown, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        borrowForARestore(
                pool,
                sessions -> assertThat(sessions)
                        .as("the pool's sessions, borrowed for a restore")
                        .hasSize(expected));
    }

    /** Borrows the pool's sessions as a restore does, checks them, and hands them back. */
    private static void borrowForARestore(BranchPool pool, Consumer<List<Connection>> check) throws SQLException {
        List<Connection> sessions = pool.borrowAll();
        try {
            check.accept(sessions);
        } finally {
            for (Connection c : sessions) {
                c.close();
            }
        }
    }

    private static boolean isValid(Connection c) {
        try {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Creates the branch {@code name} of {@code template1}. */
    private static BranchConnection branch(String name) {
        return SERVER.provider().create(new BranchRequest(name, "template1", null, Kind.BRANCH));
    }

    /** Opens sessions on a branch; once told, holds a connected session back until released. */
    private static final class HeldBack implements BranchConnection {
        private final BranchConnection branch;
        final AtomicBoolean holdBack = new AtomicBoolean();
        final CountDownLatch connected = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        HeldBack(BranchConnection branch) {
            this.branch = branch;
        }

        @Override
        public String jdbcUrl() {
            return branch.jdbcUrl();
        }

        @Override
        public String username() {
            return branch.username();
        }

        @Override
        public String password() {
            return branch.password();
        }

        @Override
        public Connection open() throws SQLException {
            Connection c = branch.open();
            if (holdBack.get()) {
                connected.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return c;
        }
    }
}
