package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.bare.BareApplication;
import jakarta.annotation.PostConstruct;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

/**
 * A component that takes a connection while the context starts and keeps it: the connection is on the
 * base that start-up runs on, which is sealed when the context is ready. Its end is never silent.
 */
class StartupConnectionTests {

    @Test
    void aConnectionStillBorrowedWhenTheBaseIsSealedIsNamedInAWarning() {
        Logger logger = (Logger) LoggerFactory.getLogger("io.github.lakebase.junit.spring");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            assertAllSucceeded(SpringFixtures.run(ListeningTestCase.class), 1);
        } finally {
            logger.detachAppender(appender);
        }

        assertThat(appender.list)
                .filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .singleElement()
                .satisfies(message -> assertThat(message)
                        .contains("1 connection(s) borrowed")
                        .contains(ListeningTestCase.class.getName())
                        .contains("the first since ")
                        .contains("They are closed now")
                        .contains("does not follow the test's branch"));
    }

    /** Listens for notifications on a connection it took when the context started, as some applications do. */
    @Component
    static class JobListener {

        private final DataSource dataSource;
        Connection connection;

        JobListener(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @PostConstruct
        void listen() throws SQLException {
            connection = dataSource.getConnection();
            try (Statement s = connection.createStatement()) {
                s.execute("LISTEN job_done");
            }
        }
    }

    @SpringBootTest(classes = BareApplication.class, properties = "spring.sql.init.mode=never")
    @Import(JobListener.class)
    @LakebaseBranch
    static class ListeningTestCase {

        @Autowired
        JobListener listener;

        @Test
        void theStartupConnectionIsGone() throws SQLException {
            assertThat(listener.connection.isValid(5)).isFalse();
        }
    }
}
