package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.bare.BareApplication;
import io.github.lakebase.junit.spring.jpa.Owner;
import io.github.lakebase.junit.spring.jpa.OwnerApplication;
import io.github.lakebase.junit.spring.jpa.OwnerRepository;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * An application whose tests ran on an embedded database (H2) before: Boot treats the branch the same
 * way, so {@code spring.sql.init} runs in its default mode and JPA creates the schema from the entities
 * when nothing else manages it; an explicit setting wins.
 */
class EmbeddedSemanticsTests {

    @Test
    void sqlInitRunsInItsDefaultMode() {
        assertAllSucceeded(SpringFixtures.run(SqlInitTestCase.class), 1);
    }

    @Test
    void sqlInitModeNeverWins() {
        assertAllSucceeded(SpringFixtures.run(SqlInitNeverTestCase.class), 1);
    }

    @Test
    void jpaCreatesTheSchemaWhenNothingElseManagesIt() {
        assertAllSucceeded(SpringFixtures.run(DdlAutoTestCase.class), 1);
    }

    @Test
    void theSchemaJpaCreatedNeedsNoDropWhenTheContextCloses() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        try {
            assertAllSucceeded(SpringFixtures.run(ClosedAfterClassTestCase.class), 1);
        } finally {
            root.detachAppender(appender);
        }

        assertThat(appender.list)
                .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage)
                .as("warnings while the context closed")
                .isEmpty();
    }

    @Test
    void anExplicitDdlAutoWins() {
        assertAllSucceeded(SpringFixtures.run(ExplicitDdlAutoTestCase.class), 1);
    }

    /** Boot's default mode, written out: {@code application.properties} of these tests sets none. */
    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.enabled=false",
                "spring.sql.init.mode=embedded",
                "spring.sql.init.schema-locations=classpath:sqlinit/schema.sql",
                "spring.sql.init.data-locations=classpath:sqlinit/data.sql"
            })
    @LakebaseBranch
    static class SqlInitTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void theScriptsRan() {
            assertThat(jdbc.queryForList("SELECT name FROM owners ORDER BY id", String.class))
                    .containsExactly("George Franklin", "Betty Davis");
        }
    }

    @SpringBootTest(
            classes = BareApplication.class,
            properties = {
                "spring.flyway.enabled=false",
                "spring.sql.init.mode=never",
                "spring.sql.init.schema-locations=classpath:sqlinit/schema.sql",
                "spring.sql.init.data-locations=classpath:sqlinit/data.sql"
            })
    @LakebaseBranch
    static class SqlInitNeverTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void theScriptsDidNotRun() {
            assertThat(jdbc.queryForObject("SELECT to_regclass('public.owners') IS NULL", Boolean.class))
                    .isTrue();
        }
    }

    @SpringBootTest(
            classes = OwnerApplication.class,
            properties = {"spring.flyway.enabled=false", "spring.sql.init.mode=never"})
    @LakebaseBranch
    static class DdlAutoTestCase {

        @Autowired
        OwnerRepository owners;

        @Test
        void savesAnOwner() {
            owners.save(new Owner("Eduardo Rodriquez"));
            assertThat(owners.findAll()).extracting(Owner::getName).containsExactly("Eduardo Rodriquez");
        }
    }

    /** Closed after its class, while its class still runs: no test's branch is there to drop a schema on. */
    @SpringBootTest(
            classes = OwnerApplication.class,
            properties = {"spring.flyway.enabled=false", "spring.sql.init.mode=never"})
    @LakebaseBranch
    @DirtiesContext
    static class ClosedAfterClassTestCase extends DdlAutoTestCase {}

    @SpringBootTest(
            classes = OwnerApplication.class,
            properties = {
                "spring.flyway.enabled=false",
                "spring.sql.init.mode=never",
                "spring.jpa.hibernate.ddl-auto=none"
            })
    @LakebaseBranch
    static class ExplicitDdlAutoTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void noTableWasCreated() {
            assertThat(jdbc.queryForObject("SELECT to_regclass('public.owners') IS NULL", Boolean.class))
                    .isTrue();
        }
    }
}
