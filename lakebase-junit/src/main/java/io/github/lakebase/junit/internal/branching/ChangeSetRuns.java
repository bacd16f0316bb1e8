package io.github.lakebase.junit.internal.branching;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.spi.BranchConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.database.Database;
import liquibase.structure.core.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long each Liquibase changeset took when a base was built, kept with the base, since {@code DATABASECHANGELOG}
 * records when a changeset ran, not how long. A {@link Timer} (Liquibase's own {@code ChangeExecListener}) times each
 * changeset as Liquibase's update runs it; the durations go into the comment of Liquibase's {@code
 * DATABASECHANGELOG} table, as {@value #MARKER} and a JSON object of milliseconds by {@code file::id::author}. Every
 * branch of the base has that comment, on every provider, so a later run that reuses a kept base reports the
 * durations of the run that built it; nothing is added to the schema, and the schema diff leaves Liquibase's
 * tables out.
 *
 * <pre>{@code
 * ChangeSetRuns.Review review = ChangeSetRuns.review(branchOfParent, branchOfBase, loader);
 * }</pre>
 */
final class ChangeSetRuns {

    /** What the comment of {@code DATABASECHANGELOG} starts with when it holds the durations. */
    static final String MARKER = "lakebase-junit changeset durations (ms): ";

    private static final Logger LOG = LoggerFactory.getLogger(ChangeSetRuns.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Long>> DURATIONS = new TypeReference<>() {};

    private ChangeSetRuns() {}

    /** Times the changesets an update runs, and names the one that failed. */
    static final class Timer extends AbstractChangeExecListener {
        private final Map<String, Long> started = new HashMap<>();
        private final Map<String, Long> millis = new LinkedHashMap<>();
        private String failed = "";

        @Override
        public synchronized void willRun(
                ChangeSet changeSet, DatabaseChangeLog changelog, Database database, ChangeSet.RunStatus status) {
            started.put(key(changeSet), System.nanoTime());
        }

        @Override
        public synchronized void ran(
                ChangeSet changeSet, DatabaseChangeLog changelog, Database database, ChangeSet.ExecType type) {
            Long start = started.remove(key(changeSet));
            if (start != null) {
                millis.put(key(changeSet), (System.nanoTime() - start) / 1_000_000);
            }
        }

        @Override
        public synchronized void runFailed(
                ChangeSet changeSet, DatabaseChangeLog changelog, Database database, Exception e) {
            failed = key(changeSet);
        }

        /** The changeset that failed, as {@code file::id::author}; empty when none did. */
        synchronized String failed() {
            return failed;
        }

        /**
         * Writes the durations into the comment of {@code DATABASECHANGELOG}, beside those it holds already; when
         * that cannot be done, the base is built all the same, and its report gives the changesets no duration.
         */
        synchronized void record(Connection connection, Database database) throws SQLException {
            if (millis.isEmpty()) {
                return;
            }
            String table = Changelogs.table(database);
            try (Statement s = connection.createStatement()) {
                Map<String, Long> all = new LinkedHashMap<>(durations(connection, table));
                all.putAll(millis);
                s.execute("COMMENT ON TABLE " + table + " IS '"
                        + (MARKER + JSON.writeValueAsString(all)).replace("'", "''") + "'");
                if (!connection.getAutoCommit()) {
                    connection.commit(); // Liquibase turns auto-commit off on PostgreSQL
                }
            } catch (SQLException | JsonProcessingException e) {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
                LOG.info("The durations of the changesets are not kept with the base: {}", e.getMessage());
            }
        }
    }

    private static String key(ChangeSet changeSet) {
        // The file as DATABASECHANGELOG records it.
        return new Changelogs.ChangeSetId(changeSet.getFilePath(), changeSet.getId(), changeSet.getAuthor()).toString();
    }

    /**
     * What the report says of a Liquibase base.
     *
     * @param beyondParent the changesets the base ran and the parent did not, in the order they ran
     * @param historyTables Liquibase's tables, as the catalog names them, for the schema diff to leave out
     */
    record Review(List<BaseEvent.Migration> beyondParent, List<String> historyTables) {}

    /** Reads the changesets of {@code base} beyond {@code parent}, each with the duration recorded when it ran. */
    static Review review(BranchConnection parent, BranchConnection base, ClassLoader loader) {
        return Changelogs.quietly(loader, () -> {
            try (Connection p = parent.open();
                    Connection b = base.open()) {
                Set<List<String>> inParent = new HashSet<>();
                Database parentDatabase = Changelogs.database(p);
                for (Row row : rows(p, Changelogs.table(parentDatabase))) {
                    inParent.add(row.key());
                }
                Database database = Changelogs.database(b);
                String table = Changelogs.table(database);
                Map<String, Long> durations = durations(b, table);
                List<BaseEvent.Migration> beyond = new ArrayList<>();
                for (Row row : rows(b, table)) {
                    if (!inParent.contains(row.key())) {
                        beyond.add(new BaseEvent.Migration(
                                "",
                                row.description(),
                                row.file(),
                                Duration.ofMillis(durations.getOrDefault(row.changeSet(), 0L)),
                                row.executed() == null ? null : row.executed().toInstant(),
                                row.changeSet()));
                    }
                }
                return new Review(
                        beyond,
                        List.of(
                                database.correctObjectName(database.getDatabaseChangeLogTableName(), Table.class),
                                database.correctObjectName(database.getDatabaseChangeLogLockTableName(), Table.class)));
            }
        });
    }

    /** A row of {@code DATABASECHANGELOG}. */
    private record Row(String file, String id, String author, String description, java.sql.Timestamp executed) {
        String changeSet() {
            return new Changelogs.ChangeSetId(file, id, author).toString();
        }

        /** A changeset's run: a changeset run again (runOnChange, runAlways) is a run of its own. */
        List<String> key() {
            return java.util.Arrays.asList(file, id, author, String.valueOf(executed));
        }
    }

    /** The rows of {@code table} in the order the changesets ran; none when it does not exist. */
    private static List<Row> rows(Connection connection, String table) throws SQLException {
        List<Row> rows = new ArrayList<>();
        if (!exists(connection, table)) {
            return rows;
        }
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT filename, id, author, description, dateexecuted FROM " + table
                        + " ORDER BY orderexecuted, dateexecuted")) {
            while (rs.next()) {
                rows.add(new Row(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5)));
            }
        }
        return rows;
    }

    /** The durations the comment of {@code table} holds; none without such a comment. */
    private static Map<String, Long> durations(Connection connection, String table) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT obj_description(to_regclass(?), 'pg_class')")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                String comment = rs.next() ? rs.getString(1) : null;
                if (comment == null || !comment.startsWith(MARKER)) {
                    return Map.of();
                }
                return JSON.readValue(comment.substring(MARKER.length()), DURATIONS);
            } catch (JsonProcessingException e) {
                return Map.of(); // not ours after all
            }
        }
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT to_regclass(?)")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getString(1) != null;
            }
        }
    }
}
