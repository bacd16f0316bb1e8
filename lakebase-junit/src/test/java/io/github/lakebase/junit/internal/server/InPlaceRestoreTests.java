package io.github.lakebase.junit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A branch that another session reaches while it is restored is not handed out as restored: the session may have
 * written what no snapshot saw. The restore checks once its refill has committed, whichever way it learns the
 * state after the refill: computed, for a table emptied with {@code DELETE} that has no trigger, or read again.
 */
class InPlaceRestoreTests {

    /** The sessions on the branch other than the restore's own. */
    private static final String OTHERS =
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";

    private static EmbeddedServer server;
    private static int databases;

    @BeforeAll
    static void start() {
        server = TestServers.startTemporary(20);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aSessionOnTheBranchAtTheEndOfARestoreWhoseStateIsComputedKeepsItFromBeingRestored() throws Exception {
        assertASessionKeepsTheBranchFromBeingRestored("CREATE TABLE item (id integer PRIMARY KEY, name text); "
                + "INSERT INTO item SELECT i, 'item ' || i FROM generate_series(1, 3) i");
    }

    @Test
    void aSessionOnTheBranchAtTheEndOfARestoreWhoseStateIsReadAgainKeepsItFromBeingRestored() throws Exception {
        // A trigger, even one the restore keeps from firing, has the restore read the branch's state again.
        assertASessionKeepsTheBranchFromBeingRestored("CREATE TABLE item (id integer PRIMARY KEY, name text); "
                + "INSERT INTO item SELECT i, 'item ' || i FROM generate_series(1, 3) i; "
                + "CREATE FUNCTION untouched() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; "
                + "CREATE TRIGGER untouched BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION untouched()");
    }

    private static void assertASessionKeepsTheBranchFromBeingRestored(String schema) throws Exception {
        String base = "inplace_base_" + ++databases;
        String branch = "inplace_branch_" + databases;
        try (Connection admin = server.connect("postgres")) {
            execute(admin, "CREATE DATABASE " + base);
            try (Connection c = server.connect(base)) {
                execute(c, schema);
            }
            execute(admin, "CREATE DATABASE " + branch + " TEMPLATE " + base);
        }
        InPlaceRestore restores = new InPlaceRestore();
        try (Connection c = server.connect(branch)) {
            restores.track(branch, base, c);
        }
        try (Connection test = server.connect(branch)) {
            execute(test, "UPDATE item SET name = 'changed by a test'");
        }
        awaitNoSession(branch); // a session's writes are counted as it ends

        try (Connection other = server.connect(branch);
                Connection c = server.connect(branch)) {
            assertThat(other.isValid(5)).as("the other session").isTrue();
            Optional<String> why = restores.restore(branch, c, OTHERS);

            assertThat(why)
                    .as("the restore of a branch another session is on")
                    .hasValueSatisfying(
                            w -> assertThat(w).startsWith("a session connected to it while it was restored"));
            assertThat(restores.tracks(branch))
                    .as("whether the branch is still known as restorable")
                    .isFalse();
            assertThat(rows(c, "SELECT name FROM item ORDER BY id"))
                    .as("the rows, which the refill put back before the check")
                    .containsExactly("item 1", "item 2", "item 3");
        }
    }

    private static void awaitNoSession(String database) throws Exception {
        try (Connection admin = server.connect("postgres")) {
            for (int i = 0; i < 500; i++) {
                if (rows(admin, "SELECT pid FROM pg_stat_activity WHERE datname = '" + database + "'")
                        .isEmpty()) {
                    return;
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("The sessions on " + database + " did not end");
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
