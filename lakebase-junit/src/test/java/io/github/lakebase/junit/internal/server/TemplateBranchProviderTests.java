package io.github.lakebase.junit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The template provider never modifies what it did not create in this run, however alike the name,
 * and never accepts the maintenance database as a parent.
 */
class TemplateBranchProviderTests {

    private static EmbeddedServer server;
    private static TemplateBranchProvider provider;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.startTemporary(60);
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE lbj_lookalike_1_test");
            s.execute("COMMENT ON DATABASE lbj_lookalike_1_test IS 'lakebase-junit run=lookalike kind=branch'");
            s.execute("CREATE DATABASE users_data");
        }
        provider = TestServers.provider(server, "providertests");
    }

    @AfterAll
    static void stop() {
        provider.close();
        server.close();
    }

    @Test
    void refusesToTouchWhatItDidNotCreate() throws Exception {
        for (String name : new String[] {"lbj_lookalike_1_test", "users_data", "template1", "postgres"}) {
            assertThatThrownBy(() -> provider.delete(name)).hasMessageContaining("Refusing to modify");
            assertThatThrownBy(() -> provider.reset(name, "template1")).hasMessageContaining("Refusing to modify");
            assertThatThrownBy(() -> provider.keep(name)).hasMessageContaining("Refusing to modify");
            assertThatThrownBy(() -> provider.seal(name)).hasMessageContaining("Refusing to modify");
        }
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname IN "
                        + "('lbj_lookalike_1_test', 'users_data') AND NOT datistemplate AND datallowconn")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
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
