package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.bare.BareApplication;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * A reactive application: R2DBC for its queries, Flyway over JDBC (a URL of its own) for its schema,
 * both pointed at production. The {@code ConnectionFactory} bean goes to the test's branch, and the
 * application's Flyway builds the base.
 */
class ReactiveTests {

    @Test
    void theConnectionFactoryIsTheTestsBranch() {
        assertAllSucceeded(SpringFixtures.run(ReactiveTestCase.class), 2);
    }

    @Configuration(proxyBeanMethods = false)
    static class Client {

        @Bean
        DatabaseClient databaseClient(ConnectionFactory connectionFactory) {
            return DatabaseClient.create(connectionFactory);
        }
    }

    @SpringBootTest(
            classes = {BareApplication.class, Client.class},
            properties = {
                // Only R2DBC: no JDBC DataSource of Boot's (the Boot 3 and Boot 4 names; the absent one is skipped).
                "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
                        + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
                "spring.r2dbc.url=r2dbc:postgresql://production.invalid:5432/inventory",
                "spring.r2dbc.username=inventory_app",
                "spring.flyway.url=jdbc:postgresql://production.invalid:5432/inventory",
                "spring.flyway.user=inventory_admin",
                "spring.flyway.password=production-secret",
                "spring.sql.init.mode=never"
            })
    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class ReactiveTestCase {

        @Autowired
        DatabaseClient client;

        @Test
        void a_deletesOnItsBranch(Branch branch) {
            assertThat(client.sql("SELECT current_database()")
                            .map(row -> row.get(0, String.class))
                            .one()
                            .block())
                    .isEqualTo(branch.name());
            assertThat(count()).isEqualTo(2);
            client.sql("DELETE FROM inventory").then().block();
            assertThat(count()).isZero();
        }

        @Test
        void b_startsFromWhatFlywayBuiltAgain() {
            assertThat(count()).isEqualTo(2);
        }

        private long count() {
            return client.sql("SELECT count(*) FROM inventory")
                    .map(row -> row.get(0, Long.class))
                    .one()
                    .block();
        }
    }
}
