package io.github.lakebase.junit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
