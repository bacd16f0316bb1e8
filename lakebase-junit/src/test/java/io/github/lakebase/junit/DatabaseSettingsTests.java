package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a migration sets on the database itself rather than in it ({@code ALTER DATABASE ... SET},
 * {@code ALTER ROLE ... IN DATABASE ... SET}, the owner, {@code GRANT ... ON DATABASE}) lives outside the
 * database's files, where a template clone does not look: every branch still has it, whether forked on
 * demand, forked ahead, reset, or forked from a base on a built parent.
 */
class DatabaseSettingsTests {

    @Test
    void everyBranchHasTheSettingsOfItsBaseForkedOnDemandAheadOrReset() {
        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        ShopTestCase.class,
                        Map.of("lakebase.prefetch", "2", "lakebase.embedded.max-connections", "43")),
                3);
    }

    @Test
    void theSettingsOfABuiltParentHoldInItsBasesAndBranches() {
        Map<String, String> configuration = new HashMap<>();
        configuration.put("lakebase.parents", "regional");
        configuration.put("lakebase.parent.regional.scripts", "classpath:parents/regional.sql");
        Fixtures.assertAllSucceeded(Fixtures.run(RegionalTestCase.class, configuration), 1);
    }

    @Test
    void theBaseKeepsTheLibrarysCommentAndNoBranchTakesItsConnectionLimit() {
        Fixtures.assertAllSucceeded(Fixtures.run(CatalogueTestCase.class), 1);
    }

    /** The settings the shop migration gives its database, as a branch of it sees them. */
    static void assertShopSettings(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            assertThat(single(s, "SHOW search_path")).isEqualTo("shop, public");
            // The JDBC driver sends the JVM's time zone when it connects, which beats the database's: the setting
            // shows in the catalog, and in a session of a client that sends none (psql).
            assertThat(single(
                            s,
                            "SELECT array_to_string(setconfig, ';') FROM pg_db_role_setting WHERE setrole = 0 AND "
                                    + "setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())"))
                    .contains("TimeZone=Europe/Berlin");
            assertThat(single(s, "SELECT current_setting('app.tenant')")).isEqualTo("acme");
            assertThat(single(s, "SHOW work_mem"))
                    .as("a setting of a role in the database")
                    .isEqualTo("7MB");
            assertThat(single(s, "SELECT title FROM product")).isEqualTo("kettle");
            assertThat(single(s, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"))
                    .isEqualTo("shop_owner");
            assertThat(single(s, "SELECT has_database_privilege('shop_reader', current_database(), 'CONNECT')"))
                    .isEqualTo("t");
            assertThat(single(
                            s,
                            "SELECT count(*) FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = "
                                    + "current_database() AND a.grantee = 0 AND a.privilege_type = 'CONNECT'"))
                    .as("CONNECT revoked from PUBLIC")
                    .isEqualTo("0");
        }
    }

    static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/dbsettings")
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class ShopTestCase {

        @Test
        void a_forkedOnDemand(Branch branch) throws Exception {
            assertShopSettings(branch.dataSource());
            PrefetchTests.awaitSparesAhead(branch);
        }

        @Test
        void b_forkedAhead(DataSource dataSource) throws SQLException {
            assertShopSettings(dataSource);
        }

        @Test
        void c_reset(Branch branch) throws SQLException {
            Fixtures.execute(branch.dataSource(), "DELETE FROM product");
            branch.reset();
            assertShopSettings(branch.dataSource());
        }
    }

    @LakebaseBranch(from = "regional", migrations = "classpath:migrations/dbsettings")
    static class RegionalTestCase {
        @Test
        void hasTheParentsAndTheMigrationsSettings(DataSource dataSource) throws SQLException {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                assertThat(single(s, "SELECT current_setting('app.region')")).isEqualTo("eu");
            }
            assertShopSettings(dataSource);
        }
    }

    @LakebaseBranch(migrations = "classpath:migrations/dbproperties")
    static class CatalogueTestCase {
        @Test
        void hasNeitherTheCommentNorTheLimit(DataSource dataSource) throws SQLException {
            assertThat(count(
                            dataSource,
                            "SELECT count(*) FROM pg_database WHERE shobj_description(oid, 'pg_database') = "
                                    + "'shop catalogue'"))
                    .as("databases that lost the library's comment to a migration")
                    .isZero();
            assertThat(count(dataSource, "SELECT datconnlimit FROM pg_database WHERE datname = current_database()"))
                    .isEqualTo(-1);
        }
    }
}
