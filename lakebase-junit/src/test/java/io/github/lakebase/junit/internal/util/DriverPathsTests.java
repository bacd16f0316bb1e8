package io.github.lakebase.junit.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.postgresql.Driver;

/**
 * The driver's paths of a login and a query run without a server, against a stand-in of the JVM's own: the driver
 * gets through both (so that a driver that speaks otherwise shows here, not as a slower first test), within seconds,
 * and no thread is left waiting on the stand-in's socket.
 */
@Isolated("looks for threads that serve a stand-in, which a test beside it would start")
class DriverPathsTests {

    @Test
    void theDriverLogsInAndRunsAPreparedQueryAgainstTheStandIn() {
        StandInServer.Reached reached = assertTimeoutPreemptively(Duration.ofSeconds(10), DriverPaths::run);

        assertThat(reached).isEqualTo(StandInServer.Reached.QUERIED);
    }

    @Test
    void theyLeaveNoThreadBehind() throws InterruptedException {
        assertThat(DriverPaths.run()).isEqualTo(StandInServer.Reached.QUERIED);

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (serving() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(serving())
                .as("a thread still serves a stand-in's socket 5 s on")
                .isFalse();
    }

    @Test
    void theStandInAnswersASimpleQueryThatIsNoSelectWithoutRows() throws Exception {
        try (StandInServer server = StandInServer.start();
                Connection c = connect(server, StandInServer.PASSWORD, "simple");
                Statement s = c.createStatement()) {
            assertThat(s.execute("SET work_mem = '4MB'")).isFalse();
            assertThat(s.execute("SELECT 1")).isTrue();
            assertThat(server.reached()).isEqualTo(StandInServer.Reached.QUERIED);
        }
    }

    @Test
    void theStandInDescribesAStatementsParameters() throws Exception {
        try (StandInServer server = StandInServer.start();
                Connection c = connect(server, StandInServer.PASSWORD, "extended");
                PreparedStatement s = c.prepareStatement("SELECT ?, ?")) {
            // The driver asks with a Describe of the statement, answered by a ParameterDescription.
            assertThat(s.getParameterMetaData().getParameterCount()).isEqualTo(2);
        }
    }

    @Test
    @SuppressWarnings("try") // the connection is made only to stall
    void closingTheStandInEndsAConnectionThatStalls() throws Exception {
        StandInServer server = StandInServer.start();
        try (Socket stalling = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            awaitServing(true, Duration.ofSeconds(5));
            server.close();

            // Well within the 5 s for which a connection may wait for a client's next message.
            awaitServing(false, Duration.ofSeconds(2));
            assertThat(serving())
                    .as("a thread still serves a stalled connection 2 s after the stand-in closed")
                    .isFalse();
        }
    }

    @Test
    void theStandInRefusesAClientWithAnotherPassword() throws Exception {
        try (StandInServer server = StandInServer.start()) {
            // As a server does: the stand-in checks the client's proof, and refuses one made with another password.
            assertThatThrownBy(() -> connect(server, "another", "extended").close())
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("28P01");
            assertThat(server.reached()).isEqualTo(StandInServer.Reached.NOTHING);
        }
    }

    private static Connection connect(StandInServer server, String password, String queryMode) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "anyone");
        properties.setProperty("password", password);
        properties.setProperty("preferQueryMode", queryMode);
        properties.setProperty("socketTimeout", "5");
        return new Driver()
                .connect(
                        "jdbc:postgresql://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.port()
                                + "/any",
                        properties);
    }

    private static boolean serving() {
        return inStandIn("serve");
    }

    /** Waits at most {@code atMost} until a connection is being served, or none is. */
    private static void awaitServing(boolean connection, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while ((connection ? !inStandIn("converse") : serving()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static boolean inStandIn(String method) {
        return Thread.getAllStackTraces().values().stream()
                .anyMatch(frames -> Arrays.stream(frames)
                        .anyMatch(f -> f.getClassName().equals(StandInServer.class.getName())
                                && f.getMethodName().equals(method)));
    }
}
