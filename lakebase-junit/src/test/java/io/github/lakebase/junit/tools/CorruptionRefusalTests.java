package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.CorruptionTests.admin;
import static io.github.lakebase.junit.tools.CorruptionTests.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Corruption} runs on a live test branch of the library and nowhere else, and says clearly what is wrong
 * with its input.
 */
@LakebaseBranch(migrations = CorruptionTests.TARGETS)
class CorruptionRefusalTests {

    @Test
    void refusesTheMaintenanceDatabaseWithoutConnecting(Branch branch) {
        Branch maintenance = new ForeignBranch("postgres", Fixtures.adminUrl(branch), branch);

        assertThatThrownBy(() -> Corruption.of(maintenance)
                        .column("item", "code")
                        .fraction(0.5)
                        .apply())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Refusing to let Corruption touch")
                .hasMessageContaining("'postgres': it is not a branch created by lakebase-junit");
    }

    @Test
    void refusesAUserDatabaseOnTheSameServerAndLeavesItAlone(Branch branch) throws SQLException {
        String database = "users_own_" + Math.abs(branch.name().hashCode());
        try (Connection c = admin(branch);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        String url = Fixtures.adminUrl(branch).replace("/postgres", "/" + database);
        try {
            try (Connection c = java.sql.DriverManager.getConnection(url, branch.username(), branch.password());
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE item (id bigint PRIMARY KEY, code text)");
                s.execute("INSERT INTO item SELECT g, 'CODE' || g FROM generate_series(1, 100) g");
            }
            Branch users = new ForeignBranch(database, url, branch);

            assertThatThrownBy(() -> Corruption.of(users)
                            .column("item", "code")
                            .fraction(1)
                            .apply())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a branch created by lakebase-junit");
            try (Connection c = java.sql.DriverManager.getConnection(url, branch.username(), branch.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM item WHERE code = 'CODE' || id")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(100);
            }
        } finally {
            try (Connection c = admin(branch);
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE " + database + " WITH (FORCE)");
            }
        }
    }

    @Test
    void refusesTheMigratedBaseAndTheParentItWasForkedFrom(Branch branch) throws SQLException {
        String base;
        try (Connection c = admin(branch);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT datname FROM pg_database WHERE datistemplate AND shobj_description(oid, 'pg_database') "
                                + "LIKE 'lakebase-junit % kind=base' LIMIT 1")) {
            assertThat(rs.next()).as("a sealed base of this run").isTrue();
            base = rs.getString(1);
        }
        for (String target : new String[] {base, branch.parent()}) {
            Branch lookalike =
                    new ForeignBranch(target, Fixtures.adminUrl(branch).replace("/postgres", "/" + target), branch);
            assertThatThrownBy(() -> Corruption.of(lookalike)
                            .column("item", "code")
                            .fraction(0.5)
                            .apply())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + target + "': it is not a branch created by lakebase-junit");
        }
    }

    @Test
    void acceptsABranchThatStandsForTheCurrentTestsBranch(Branch branch) throws SQLException {
        Branch routing = new Routing(branch); // what a framework's Branch bean does: route to the test's branch

        CorruptionReport report =
                Corruption.of(routing).column("item", "code").fraction(0.01).apply();

        assertThat(ids(branch, "SELECT id FROM item WHERE code IS DISTINCT FROM original"))
                .isEqualTo(report.keys(Long.class))
                .hasSize(99);
    }

    @Test
    void refusesABranchAfterItWasDestroyed() {
        Fixtures.assertAllSucceeded(Fixtures.run(KeepsItsBranchTestCase.class), 1);
        Branch destroyed = KeepsItsBranchTestCase.BRANCH.get();

        assertThatThrownBy(() -> Corruption.of(destroyed)
                        .column("item", "code")
                        .fraction(0.5)
                        .apply())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has been destroyed");
    }

    @Test
    void saysWhatIsWrongWithTheTableOrColumn(Branch branch) {
        assertRefused(branch, "inventroy", "code", "No table 'inventroy'", "search_path");
        assertRefused(branch, "a.b.c.d", "code", "not a valid table name");
        assertRefused(branch, "item", "kode", "has no column 'kode'", "id, code, original, quantity, label");
        assertRefused(branch, "item", "quantity", "public.item.quantity is integer, not text");
        assertRefused(branch, "item", "code_upper", "public.item.code_upper is generated");
        assertRefused(branch, "log_line", "line", "public.log_line has no primary key");
        assertRefused(branch, "tag", "name", "part of the primary key [name]");
        assertRefused(branch, "item_codes", "code", "'item_codes' is a view, not a table");
    }

    @Test
    void saysWhatIsWrongWithTheSettings(Branch branch) throws SQLException {
        for (double fraction : new double[] {0, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> Corruption.of(branch).fraction(fraction))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("more than 0 and at most 1");
        }
        assertThatThrownBy(() -> Corruption.of(branch).kinds())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one kind");
        assertThatThrownBy(() -> Corruption.of(branch).column("item", " "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Corruption.of(branch).fraction(0.1).apply())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Name the column to damage");
        assertThatThrownBy(() -> Corruption.of(branch).column("item", "code").apply())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(".fraction(0.01)");
        assertThatThrownBy(() -> Corruption.of(branch)
                        .column("item", "label")
                        .fraction(0.1)
                        .kinds(Damage.NULL)
                        .apply())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NOT NULL");
        assertThatThrownBy(() -> Corruption.of(branch)
                        .column("unlabelled", "code")
                        .fraction(0.1)
                        .apply())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nothing to damage");
        assertThatThrownBy(() ->
                        Corruption.of(null).column("item", "code").fraction(0.1).apply())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("@LakebaseBranch");

        assertThat(ids(branch, "SELECT id FROM item WHERE code IS DISTINCT FROM original"))
                .as("nothing damaged")
                .isEmpty();
    }

    private static void assertRefused(Branch branch, String table, String column, String... message) {
        assertThatThrownBy(() -> Corruption.of(branch)
                        .column(table, column)
                        .fraction(0.1)
                        .apply())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(message);
    }

    @LakebaseBranch(migrations = CorruptionTests.TARGETS)
    static class KeepsItsBranchTestCase {
        static final AtomicReference<Branch> BRANCH = new AtomicReference<>();

        @Test
        void test(Branch branch) {
            BRANCH.set(branch);
        }
    }

    /** A {@link Branch} that routes every call to the library's branch of the current test. */
    private record Routing(Branch target) implements Branch {
        @Override
        public String name() {
            return target.name();
        }

        @Override
        public String parent() {
            return target.parent();
        }

        @Override
        public String jdbcUrl() {
            return target.jdbcUrl();
        }

        @Override
        public String username() {
            return target.username();
        }

        @Override
        public String password() {
            return target.password();
        }

        @Override
        public DataSource dataSource() {
            return target.dataSource();
        }

        @Override
        public Connection openConnection() throws SQLException {
            return target.openConnection();
        }

        @Override
        public void reset() {
            target.reset();
        }
    }

    /** A {@link Branch} that the library did not create, made to look like one; it must never be connected to. */
    private record ForeignBranch(String name, String jdbcUrl, Branch credentials) implements Branch {
        @Override
        public String parent() {
            return "template1";
        }

        @Override
        public String username() {
            return credentials.username();
        }

        @Override
        public String password() {
            return credentials.password();
        }

        @Override
        public DataSource dataSource() {
            throw new AssertionError("Corruption must refuse before it connects");
        }

        @Override
        public Connection openConnection() {
            throw new AssertionError("Corruption must refuse before it connects");
        }

        @Override
        public void reset() {
            throw new AssertionError("never reset");
        }
    }
}
