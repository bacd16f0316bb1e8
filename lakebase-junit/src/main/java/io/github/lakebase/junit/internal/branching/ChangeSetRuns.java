package io.github.lakebase.junit.internal.branching;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.spi.BranchConnection;
import java.io.IOException;
import java.io.StringWriter;
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
    /**
     * Jackson's streaming reader and writer, not its {@code ObjectMapper}: a JVM's first {@code ObjectMapper} loads
     * several hundred classes (300-390 ms in a new JVM on a 2-core machine, against 110-130 ms for the first
     * generator), which a cold start's first Liquibase base would wait for.
     */
    private static final JsonFactory JSON = new JsonFactory();

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
                s.execute("COMMENT ON TABLE " + table + " IS '" + (MARKER + json(all)).replace("'", "''") + "'");
                if (!connection.getAutoCommit()) {
                    connection.commit(); // Liquibase turns auto-commit off on PostgreSQL
                }
            } catch (SQLException | IOException e) {
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
                return durations(comment.substring(MARKER.length()));
            } catch (IOException e) {
                return Map.of(); // not ours after all
            }
        }
    }

    /** The durations as a JSON object of milliseconds by changeset: {@code {"file::id::author":12}}. */
    static String json(Map<String, Long> durations) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            for (Map.Entry<String, Long> d : durations.entrySet()) {
                json.writeNumberField(d.getKey(), d.getValue());
            }
            json.writeEndObject();
        }
        return out.toString();
    }

    /**
     * The durations {@link #json} wrote, in their order.
     *
     * @throws IOException when {@code text} is not such a JSON object
     */
    static Map<String, Long> durations(String text) throws IOException {
        Map<String, Long> durations = new LinkedHashMap<>();
        try (JsonParser json = JSON.createParser(text)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String changeSet = json.currentName();
                if (json.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                    throw new IOException("not a number of milliseconds: " + changeSet);
                }
                durations.put(changeSet, json.getLongValue());
            }
            if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
                throw new IOException("not a JSON object of milliseconds");
            }
        }
        return durations;
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
