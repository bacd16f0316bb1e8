package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Roles belong to the whole server, not to a database: a second base whose migrations create a role that
 * an earlier base created fails, and the failure says why and how to write the statement so that it can run
 * twice.
 */
class RolesTests {

    @Test
    void aRoleThatAnotherBaseCreatedIsExplainedWithAStatementThatCanRunTwice() {
        Fixtures.assertAllSucceeded(Fixtures.run(FirstBaseTestCase.class), 1);

        Map<String, String> staging = new HashMap<>(ParentsTests.STAGING);
        staging.put("lakebase.from", "staging");
        List<String> sameMigrationsOtherParent =
                Fixtures.failureMessages(Fixtures.run(FirstBaseTestCase.class, staging));
        List<String> otherMigrations = Fixtures.failureMessages(Fixtures.run(OtherMigrationsTestCase.class));

        assertThat(sameMigrationsOtherParent).hasSize(1);
        assertThat(otherMigrations).hasSize(1);
        for (String message : List.of(sameMigrationsOtherParent.get(0), otherMigrations.get(0))) {
            assertThat(message)
                    .contains("role \"audit_reader\" already exists")
                    .contains("Roles belong to the whole PostgreSQL server")
                    .contains("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'audit_reader') THEN "
                            + "CREATE ROLE audit_reader; END IF; END $$;");
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/auditrole")
    static class FirstBaseTestCase {
        @Test
        void grantsToTheRole(DataSource dataSource) throws SQLException {
            assertThat(Fixtures.count(
                            dataSource,
                            "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = "
                                    + "'audit_reader' AND table_name = 'audit_log'"))
                    .isEqualTo(1);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/audituser")
    static class OtherMigrationsTestCase {
        @Test
        void neverRuns(DataSource dataSource) {}
    }
}
