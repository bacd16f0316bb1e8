package io.github.lakebase.junit.internal.branching;

import java.util.logging.Level;
import liquibase.logging.Logger;
import liquibase.logging.core.AbstractLogService;
import liquibase.logging.core.AbstractLogger;
import org.slf4j.LoggerFactory;

/**
 * Liquibase's log, in the library's (SLF4J) rather than on the console through {@code java.util.logging}: its
 * warnings and errors as such (an error's stack trace at debug level), its running commentary (which changeset
 * runs, the lock, the summary) at debug level, so that a green build stays quiet. The library logs one line per
 * base it builds.
 *
 * <pre>{@code
 * Scope.child(Map.of(Scope.Attr.logService.name(), new LiquibaseLog()), () -> ...);
 * }</pre>
 */
final class LiquibaseLog extends AbstractLogService {

    @Override
    public int getPriority() {
        return PRIORITY_SPECIALIZED;
    }

    @Override
    @SuppressWarnings("rawtypes") // Liquibase's signature
    public Logger getLog(Class type) {
        return new Slf4jLogger(LoggerFactory.getLogger(type == null ? "liquibase" : type.getName()));
    }

    /** One of Liquibase's loggers, writing to SLF4J. */
    private static final class Slf4jLogger extends AbstractLogger {

        private final org.slf4j.Logger log;

        Slf4jLogger(org.slf4j.Logger log) {
            this.log = log;
        }

        @Override
        public void log(Level level, String message, Throwable e) {
            int value = level.intValue();
            if (value == Level.OFF.intValue()) {
                return; // what Liquibase says it does not log (its analytics' notes, say)
            } else if (value >= Level.SEVERE.intValue()) {
                // The failure reaches the test with the changeset and the SQL error: its stack is for debugging.
                log.error(e == null ? message : message + " " + e);
                if (e != null) {
                    log.debug(message, e);
                }
            } else if (value >= Level.WARNING.intValue()) {
                log.warn(message, e);
            } else if (value >= Level.CONFIG.intValue()) {
                log.debug(message, e);
            } else {
                log.trace(message, e);
            }
        }

        @Override
        public void close() {}
    }
}
