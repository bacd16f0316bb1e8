package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which migrations, as a test class declares them, have Flyway loaded while a server that starts empty starts
 * ({@link FlywayAhead}): only Flyway locations, since the load takes a core for about half a second while the
 * server starts.
 */
class FlywayAheadDecisionTests {

    @Test
    void flywayLocationsLoadFlyway() {
        assertThat(FlywayAhead.declaresFlyway(List.of("classpath:db/migration", "filesystem:src/test/db")))
                .isTrue();
    }

    @Test
    void liquibaseChangelogsDoNot() {
        assertThat(FlywayAhead.declaresFlyway(List.of("liquibase:db/changelog/db.changelog-master.xml")))
                .isFalse();
        assertThat(FlywayAhead.declaresFlyway(List.of("db/changelog/db.changelog-master.yaml")))
                .isFalse();
    }

    @Test
    void noMigrationsDoNot() {
        assertThat(FlywayAhead.declaresFlyway(List.of(LakebaseBranch.NO_MIGRATIONS)))
                .as("a class that forks its parent unmigrated builds no base")
                .isFalse();
    }

    @Test
    void aMixDoesNot() {
        assertThat(FlywayAhead.declaresFlyway(List.of("classpath:db/migration", "liquibase:db/changelog.xml")))
                .as("no tool runs a mix: its first test fails with a configuration error")
                .isFalse();
    }

    @Test
    void noneDeclaredDecidesNothing() {
        assertThat(FlywayAhead.declaresFlyway(List.of())).isNull();
    }
}
