package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.r2dbc.spi.ConnectionFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A branch's password may change while its test runs: on Databricks Lakebase it is a database credential
 * that lives an hour, fetched again before it expires. A new R2DBC connection logs in with the password of
 * the moment, as a new JDBC connection does.
 */
class RotatingPasswordTests {

    @Test
    void aNewR2dbcConnectionLogsInWithTheCurrentPassword() {
        assertAllSucceeded(SpringFixtures.run(RotatingPasswordTestCase.class), 1);
    }

    @LakebaseBranch
    static class RotatingPasswordTestCase {

        @Test
        void connectsAfterThePasswordChanged(Branch branch) throws SQLException {
            String role = "rotating_" + ProcessHandle.current().pid();
            AtomicReference<String> password = new AtomicReference<>("first-credential");
            try (Connection admin = branch.openConnection();
                    Statement s = admin.createStatement()) {
                s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password.get() + "'");
                try {
                    ConnectionFactory factory = new BranchRoutingConnectionFactory(
                            () -> new BeanRoute.Endpoint(branch.name(), branch.jdbcUrl(), role, password.get()),
                            "a branch whose password changes");
                    assertThat(currentUser(factory)).isEqualTo(role);

                    password.set("second-credential");
                    s.execute("ALTER ROLE " + role + " PASSWORD '" + password.get() + "'");

                    assertThat(currentUser(factory))
                            .as("logged in with the new password")
                            .isEqualTo(role);
                } finally {
                    s.execute("DROP ROLE " + role);
                }
            }
        }

        private static String currentUser(ConnectionFactory factory) {
            return Mono.usingWhen(
                            factory.create(),
                            c -> Mono.from(c.createStatement("SELECT current_user")
                                            .execute())
                                    .flatMap(r -> Mono.from(r.map((row, metadata) -> row.get(0, String.class)))),
                            io.r2dbc.spi.Connection::close)
                    .block();
        }
    }
}
