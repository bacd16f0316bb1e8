package io.github.lakebase.junit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The template provider never modifies what it did not create in this run, however alike the name,
 * and never accepts the maintenance database as a parent.
 */
class TemplateBranchProviderTests {

    @RegisterExtension
    static final TemporaryServer SERVER = new TemporaryServer(60);

    private static TemplateBranchProvider provider;

    @BeforeAll
    static void start() throws Exception {
        try (Connection c = SERVER.get().connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE lbj_lookalike_1_test");
            s.execute("COMMENT ON DATABASE lbj_lookalike_1_test IS 'lakebase-junit run=lookalike kind=branch'");
            s.execute("CREATE DATABASE users_data");
        }
        provider = TestServers.provider(SERVER.get(), "providertests");
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    @Test
    void refusesToTouchWhatItDidNotCreate() throws Exception {
        for (String name : new String[] {"lbj_lookalike_1_test", "users_data", "template1", "postgres"}) {
            assertThatThrownBy(() -> provider.delete(name)).hasMessageContaining("Refusing to modify");
            assertThatThrownBy(() -> provider.reset(name, "template1")).hasMessageContaining("Refusing to modify");
            assertThatThrownBy(() -> provider.keep(name)).hasMessageContaining("Refusing to modify");
            assertThatThrownBy(() -> provider.seal(name)).hasMessageContaining("Refusing to modify");
        }
        try (Connection c = SERVER.get().connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname IN "
                        + "('lbj_lookalike_1_test', 'users_data') AND NOT datistemplate AND datallowconn")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }

    @Test
    void confirmsATestBranchOnlyThroughAConnectionToThatVeryBranch() throws Exception {
        String branch = "lbj_providertests_1_branch";
        String base = "lbj_providertests_2_base";
        String parent = "lbj_providertests_3_parent";
        String kept = "lbj_providertests_4_kept";
        provider.create(new BranchRequest(branch, "template1", null, Kind.BRANCH));
        provider.create(new BranchRequest(base, "template1", null, Kind.BASE));
        provider.create(new BranchRequest(parent, "template1", null, Kind.PARENT));
        provider.create(new BranchRequest(kept, "template1", null, Kind.BRANCH));
        provider.keep(kept);
        try (Connection toBranch = SERVER.get().connect(branch);
                Connection toBase = SERVER.get().connect(base);
                Connection toParent = SERVER.get().connect(parent);
                Connection toKept = SERVER.get().connect(kept);
                Connection toUsers = SERVER.get().connect("users_data");
                Connection toLookalike = SERVER.get().connect("lbj_lookalike_1_test");
                Connection toMaintenance = SERVER.get().connect("postgres")) {
            provider.requireTestBranch(branch, toBranch);

            assertThatThrownBy(() -> provider.requireTestBranch(base, toBase))
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining("does not mark it as a test branch");
            assertThatThrownBy(() -> provider.requireTestBranch(parent, toParent))
                    .hasMessageContaining("does not mark it as a test branch");
            assertThatThrownBy(() -> provider.requireTestBranch(kept, toKept))
                    .hasMessageContaining("not created by lakebase-junit in this run");
            assertThatThrownBy(() -> provider.requireTestBranch(branch, toUsers))
                    .hasMessageContaining("Refusing to modify the database 'users_data'")
                    .hasMessageContaining("expected to lead to the branch '" + branch + "'");
            assertThatThrownBy(() -> provider.requireTestBranch(branch, toMaintenance))
                    .hasMessageContaining("Refusing to modify the database 'postgres'");
            assertThatThrownBy(() -> provider.requireTestBranch("users_data", toUsers))
                    .hasMessageContaining("not created by lakebase-junit in this run");
            assertThatThrownBy(() -> provider.requireTestBranch("lbj_lookalike_1_test", toLookalike))
                    .hasMessageContaining("not created by lakebase-junit in this run");
            assertThatThrownBy(() -> provider.requireTestBranch("postgres", toMaintenance))
                    .hasMessageContaining("not created by lakebase-junit in this run");
        } finally {
            provider.delete(branch);
            provider.delete(base);
            provider.delete(parent);
            try (Connection c = SERVER.get().connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE " + kept);
            }
        }
        try (Connection toUsers = SERVER.get().connect("users_data")) {
            assertThatThrownBy(() -> provider.requireTestBranch(branch, toUsers))
                    .as("a deleted branch is no longer a test branch")
                    .hasMessageContaining("Refusing to modify");
        }
    }

    @Test
    void refusesTheMaintenanceDatabaseAsAParent() {
        assertThatThrownBy(() -> provider.resolveParent("postgres"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("cannot be a parent")
                .matches(e -> ((ProviderException) e).isConfigurationError());
        assertThat(provider.knownParents()).contains("template1", "users_data").doesNotContain("postgres");
    }
}
