package io.github.lakebase.junit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A staged base is forked either from a declaration's migrated base or from its parent as it is, for an
 * integration whose application migrates the database itself; either one is reached through its pool or
 * its connection details until it is sealed.
 */
class StagedBaseTests {

    @Test
    void aBaseStagedFromTheParentHasNoneOfTheLibrarysMigrations() {
        Fixtures.assertAllSucceeded(Fixtures.run(StagingTestCase.class), 2);
    }

    @Test
    void aBaseStagedForStartupWorkIsConnectedBeforeTheWorkAsks() {
        Fixtures.assertAllSucceeded(Fixtures.run(ConnectedAheadTestCase.class), 1);
    }

    @LakebaseBranch
    static class ConnectedAheadTestCase {

        private static final StartupWork WORK =
                new StartupWork("connected-ahead", List.of("nothing"), Map.of("none", new byte[0]));

        /** The start-up work's first connection finds a session open, which the integration did not ask for. */
        @Test
        void aSessionIsOpenBeforeTheWorkAsks() throws Exception {
            ExtensionContext context = TestBranches.currentContext().orElseThrow();
            try (StagedBase staged = TestBranches.stageFromParent(context, "", "ahead", WORK)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                int others = 0;
                while (others == 0 && System.nanoTime() < deadline) {
                    others = sessionsBesidesThisOne(staged);
                    Thread.sleep(10);
                }
                assertThat(others)
                        .as("sessions on the staged base opened by the library")
                        .isEqualTo(1);
                staged.seal();
            }
        }

        private static int sessionsBesidesThisOne(StagedBase staged) throws SQLException {
            try (Connection c = DriverManager.getConnection(staged.jdbcUrl(), staged.username(), staged.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity "
                            + "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                            + "AND backend_type = 'client backend'")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @LakebaseBranch
    static class StagingTestCase {

        @Test
        void fromTheParent() throws Exception {
            ExtensionContext context = TestBranches.currentContext().orElseThrow();
            try (StagedBase staged = TestBranches.stageFromParent(context, "", "from_parent")) {
                assertThat(hasInventory(staged.dataSource())).isFalse();
                try (Connection c =
                                DriverManager.getConnection(staged.jdbcUrl(), staged.username(), staged.password());
                        ResultSet rs = c.createStatement().executeQuery("SELECT current_database()")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo(staged.name());
                }
                staged.seal();
            }
        }

        @Test
        void fromTheMigratedBase() throws Exception {
            ExtensionContext context = TestBranches.currentContext().orElseThrow();
            try (StagedBase staged = TestBranches.stage(context, BaseSpec.DEFAULTS, "migrated")) {
                assertThat(hasInventory(staged.dataSource())).isTrue();
            }
        }

        private static boolean hasInventory(DataSource dataSource) throws SQLException {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT to_regclass('public.inventory') IS NOT NULL")) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
