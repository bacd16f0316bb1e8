package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.server.TemporaryServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A base an integration staged is dropped exactly once whichever closes first, the integration (a
 * Spring context closing at exit) or the service (the library's own exit): nothing is left, and
 * neither complains that the other got there first.
 */
class BranchServiceCloseTests {

    private static final ManagedBranch.BranchSettings SETTINGS =
            new ManagedBranch.BranchSettings(CleanupMode.ALWAYS, 2, "BranchServiceCloseTests", () -> false);

    @RegisterExtension
    static final TemporaryServer SERVER = new TemporaryServer(40);

    @Test
    void theServiceClosingFirstDropsTheStagedBaseAndItsLaterCloseIsQuiet() throws Exception {
        ManagedBranch staged =
                BranchService.fork(configuration("first"), ForkRequest.stagedParent("", "ctx", SETTINGS));
        staged.service().close();

        assertThat(exists(staged.name())).as("dropped by the service").isFalse();
        assertThatCode(staged::close).doesNotThrowAnyException();
    }

    @Test
    void theStagedBaseClosingFirstIsDroppedBeforeTheServiceCloses() throws Exception {
        ManagedBranch staged =
                BranchService.fork(configuration("second"), ForkRequest.stagedParent("", "ctx", SETTINGS));
        staged.close();
        staged.service().close();

        assertThat(exists(staged.name()))
                .as("dropped before the provider closed")
                .isFalse();
    }

    /** A configuration of its own, so that closing its service touches no other test's. */
    private static Configuration configuration(String application) {
        Map<String, String> parameters = Map.of(
                "lakebase.provider",
                "postgres",
                "lakebase.postgres.url",
                "jdbc:postgresql://" + SERVER.get().host() + ":" + SERVER.get().port() + "/postgres?ApplicationName="
                        + application,
                "lakebase.postgres.username",
                SERVER.get().username(),
                "lakebase.postgres.password",
                SERVER.get().password(),
                "lakebase.prefetch",
                "0");
        return new Configuration(
                key -> Optional.ofNullable(parameters.get(key)),
                Map.of(),
                BranchService.RUN_ID,
                BranchServiceCloseTests.class.getClassLoader());
    }

    private static boolean exists(String database) throws Exception {
        try (Connection c = SERVER.get().connect("postgres");
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }
}
