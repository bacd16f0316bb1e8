package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.integration.Location;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import liquibase.ChecksumVersion;
import liquibase.Scope;
import liquibase.analytics.configuration.AnalyticsArgs;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.ChangeExecListenerCommandStep;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.MigrationFailedException;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Applies Liquibase changelogs to a base through Liquibase's own {@code update} command, and reads what makes
 * them what they are from Liquibase's parsed changelog, for a base's fingerprint. Only {@link Migrations} calls
 * it, after making sure Liquibase is on the class path: no other class of the library names a Liquibase type.
 *
 * <pre>{@code
 * List<Changelogs.ChangeSetId> ran = Changelogs.update(base, List.of("liquibase:db/changelog/db.changelog-master.xml"),
 *         settings, loader, "template1");
 * }</pre>
 */
final class Changelogs {

    private Changelogs() {}

    /**
     * A changeset as Liquibase keys it in {@code DATABASECHANGELOG}.
     *
     * @param file the changelog's path as Liquibase records it
     * @param id the changeset's id
     * @param author its author
     */
    record ChangeSetId(String file, String id, String author) {
        @Override
        public String toString() {
            return file + "::" + id + "::" + author;
        }
    }

    /** Where a changelog entry is read from, and its path for Liquibase. */
    private record Source(ResourceAccessor accessor, String path, String entry) {}

    /** The entry's changelog, classpath (the default) or file system; a configuration error for anything else. */
    private static Source source(String entry, ClassLoader loader) {
        String written =
                entry.startsWith(Migrations.LIQUIBASE) ? entry.substring(Migrations.LIQUIBASE.length()) : entry;
        Location location = Location.parse(written);
        switch (location.kind()) {
            case CLASSPATH -> {
                if (loader.getResource(location.path()) == null) {
                    throw missing(entry);
                }
                return new Source(new ClassLoaderResourceAccessor(loader), location.path(), entry);
            }
            case FILESYSTEM -> {
                Path file = location.file().toAbsolutePath().normalize();
                if (!Files.isRegularFile(file)) {
                    throw missing(entry);
                }
                Path root = location.file().isAbsolute()
                        ? file.getRoot()
                        : Path.of("").toAbsolutePath();
                try {
                    return new Source(
                            new DirectoryResourceAccessor(root),
                            root.relativize(file).toString().replace('\\', '/'),
                            entry);
                } catch (IOException e) {
                    throw missing(entry);
                }
            }
            default ->
                throw ProviderException.configuration("The Liquibase changelog '" + entry + "' is neither on the "
                        + "class path nor on the file system: write liquibase:db/changelog/db.changelog-master.xml (on "
                        + "the test class path) or liquibase:filesystem:src/main/db/changelog.xml.");
        }
    }

    private static ProviderException missing(String entry) {
        return ProviderException.configuration("The Liquibase changelog '" + entry + "' does not exist. Fix "
                + "@LakebaseBranch(migrations = ...) or lakebase.migrations: a changelog is written "
                + "liquibase:db/changelog/db.changelog-master.xml (a file on the test class path) or "
                + "liquibase:filesystem:src/main/db/changelog.xml.");
    }

    /**
     * Runs {@code update} with each changelog in turn.
     *
     * @return the changesets this update ran, in the order Liquibase recorded them
     * @throws ProviderException naming the failing changeset ({@code file::id::author}) and the SQL error
     */
    static List<ChangeSetId> update(
            BranchConnection target,
            List<String> changelogs,
            LiquibaseSettings settings,
            ClassLoader loader,
            String parent) {
        return quietly(loader, () -> doUpdate(target, changelogs, settings, loader, parent));
    }

    private static List<ChangeSetId> doUpdate(
            BranchConnection target,
            List<String> changelogs,
            LiquibaseSettings settings,
            ClassLoader loader,
            String parent) {
        List<Source> sources = changelogs.stream().map(c -> source(c, loader)).toList();
        try (Connection connection = target.open()) {
            Database database = database(connection);
            Set<ChangeSetId> before = new LinkedHashSet<>(ran(connection, database));
            ChangeSetRuns.Timer timer = new ChangeSetRuns.Timer();
            for (Source source : sources) {
                run(database, source, settings, loader, timer);
            }
            timer.record(connection, database);
            List<ChangeSetId> after = new ArrayList<>(ran(connection, database));
            after.removeAll(before);
            return after;
        } catch (SQLException e) {
            throw new ProviderException(
                    "Liquibase could not update the base of '" + parent + "': " + e.getMessage(), e);
        } catch (UpdateFailure e) {
            throw new ProviderException(
                    "Liquibase changelogs " + changelogs + " failed on parent '" + parent + "'; no test runs on a "
                            + "half-migrated base.\n" + e.getMessage()
                            + ClusterObjects.explain(e).map(hint -> "\n" + hint).orElse("")
                            + settings.unsetParameters(e.getMessage()),
                    e.getCause());
        }
    }

    /**
     * Forgets that {@code changeSets} ran (deletes their rows from {@code DATABASECHANGELOG}) and updates again.
     *
     * @return empty when they ran again, else the failing changeset ({@code file::id::author}) and Liquibase's error
     */
    static Optional<Idempotency.Failure> reapply(
            BranchConnection target,
            List<String> changelogs,
            List<ChangeSetId> changeSets,
            LiquibaseSettings settings,
            ClassLoader loader) {
        return quietly(loader, () -> doReapply(target, changelogs, changeSets, settings, loader));
    }

    private static Optional<Idempotency.Failure> doReapply(
            BranchConnection target,
            List<String> changelogs,
            List<ChangeSetId> changeSets,
            LiquibaseSettings settings,
            ClassLoader loader) {
        List<Source> sources = changelogs.stream().map(c -> source(c, loader)).toList();
        try (Connection connection = target.open()) {
            Database database = database(connection);
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table(database) + " WHERE filename = ? AND id = ? AND author = ?")) {
                for (ChangeSetId changeSet : changeSets) {
                    delete.setString(1, changeSet.file());
                    delete.setString(2, changeSet.id());
                    delete.setString(3, changeSet.author());
                    delete.executeUpdate();
                }
            }
            ChangeSetRuns.Timer timer = new ChangeSetRuns.Timer();
            for (Source source : sources) {
                try {
                    run(database, source, settings, loader, timer);
                } catch (UpdateFailure e) {
                    return Optional.of(new Idempotency.Failure(timer.failed(), reason(e)));
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(new Idempotency.Failure("", String.valueOf(e.getMessage())));
        }
    }

    /**
     * Adds to {@code fingerprint} the Liquibase version, and for every changelog the changesets its tree holds
     * (includes and includeAll resolved by Liquibase's parser): each one's file, id, author, Liquibase checksum
     * (which covers the files a {@code sqlFile} or {@code loadData} reads), contexts, labels and run flags, and the
     * bytes of every changelog file of the tree.
     *
     * @return the fingerprint, or empty when a changelog cannot be read here
     */
    static Optional<Fingerprint> fingerprint(
            Fingerprint fingerprint, List<String> changelogs, LiquibaseSettings settings, ClassLoader loader) {
        return quietly(loader, () -> doFingerprint(fingerprint, changelogs, settings, loader));
    }

    private static Optional<Fingerprint> doFingerprint(
            Fingerprint fingerprint, List<String> changelogs, LiquibaseSettings settings, ClassLoader loader) {
        fingerprint.addLiquibaseVersion();
        for (String entry : changelogs) {
            Source source = source(entry, loader);
            fingerprint.add("changelog", entry);
            try {
                Scope.child(Scope.Attr.resourceAccessor.name(), source.accessor(), () -> {
                    ChangeLogParameters parameters = new ChangeLogParameters();
                    settings.parameters().forEach(parameters::set);
                    DatabaseChangeLog changelog = ChangeLogParserFactory.getInstance()
                            .getParser(source.path(), source.accessor())
                            .parse(source.path(), parameters, source.accessor());
                    Set<String> files = new LinkedHashSet<>();
                    files.add(source.path());
                    for (ChangeSet changeSet : changelog.getChangeSets()) {
                        files.add(changeSet.getFilePath());
                        fingerprint
                                .add("changeset", changeSet.toString(false))
                                .add("checksum", String.valueOf(changeSet.generateCheckSum(ChecksumVersion.latest())))
                                .add("contexts", String.valueOf(changeSet.getContextFilter()))
                                .add("labels", String.valueOf(changeSet.getLabels()))
                                .add("dbms", String.valueOf(changeSet.getDbmsSet()))
                                .add("runs", changeSet.isAlwaysRun() + "/" + changeSet.isRunOnChange());
                    }
                    for (String file : files) {
                        try (InputStream in =
                                source.accessor().getExisting(file).openInputStream()) {
                            fingerprint.add("file " + file, in.readAllBytes());
                        }
                    }
                });
            } catch (Exception e) {
                return Optional.empty();
            }
        }
        return Optional.of(fingerprint);
    }

    /** Liquibase's failure, with the changeset Liquibase names in it. */
    private static final class UpdateFailure extends Exception {
        private static final long serialVersionUID = 1L;

        UpdateFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Liquibase keeps the state of its change log locks in JVM-wide singletons ({@code LockServiceFactory}); two
     * updates at once in one JVM (tests in parallel building two bases) were seen to leave a base's
     * {@code DATABASECHANGELOGLOCK} locked, so that its branches waited five minutes for the lock. Updates run one
     * at a time.
     */
    private static final Object ONE_UPDATE_AT_A_TIME = new Object();

    private static void run(
            Database database, Source source, LiquibaseSettings settings, ClassLoader loader, ChangeSetRuns.Timer timer)
            throws UpdateFailure {
        try {
            Scope.child(Scope.Attr.resourceAccessor.name(), source.accessor(), () -> {
                ChangeLogParameters parameters = new ChangeLogParameters(database);
                settings.parameters().forEach(parameters::set);
                // The update's summary goes to the log (LoggerUIService), not to the console.
                CommandScope update = new CommandScope(UpdateCommandStep.COMMAND_NAME)
                        .setOutput(OutputStream.nullOutputStream())
                        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                        .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, source.path())
                        .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_PARAMETERS, parameters)
                        .addArgumentValue(ChangeExecListenerCommandStep.CHANGE_EXEC_LISTENER_ARG, timer);
                if (!settings.contexts().isEmpty()) {
                    update.addArgumentValue(UpdateCommandStep.CONTEXTS_ARG, settings.contexts());
                }
                if (!settings.labels().isEmpty()) {
                    update.addArgumentValue(UpdateCommandStep.LABEL_FILTER_ARG, settings.labels());
                }
                synchronized (ONE_UPDATE_AT_A_TIME) {
                    update.execute();
                }
            });
        } catch (Exception e) {
            throw new UpdateFailure(describe(e), e);
        }
    }

    /** Liquibase's message of a failed changeset ({@code Migration failed for changeset file::id::author ...}). */
    private static String describe(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MigrationFailedException) {
                return t.getMessage().trim();
            }
        }
        return String.valueOf(e.getMessage()).trim();
    }

    /** Why a changeset failed: the error under Liquibase's {@code Migration failed for changeset ...}. */
    private static String reason(UpdateFailure e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof MigrationFailedException && t.getCause() != null) {
                return String.valueOf(t.getCause().getMessage()).trim();
            }
        }
        return e.getMessage();
    }

    /**
     * Runs {@code work} as Liquibase code runs here: with the test's class loader, Liquibase's log and messages in
     * the library's log rather than on the console, and no usage report sent over the network.
     */
    static <T> T quietly(ClassLoader loader, Scope.ScopedRunnerWithReturn<T> work) {
        try {
            return Scope.child(
                    Map.of(
                            Scope.Attr.classLoader.name(),
                            loader,
                            Scope.Attr.ui.name(),
                            new LoggerUIService(),
                            Scope.Attr.logService.name(),
                            new LiquibaseLog(),
                            AnalyticsArgs.ENABLED.getKey(),
                            false),
                    work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ProviderException("Liquibase failed: " + e.getMessage(), e);
        }
    }

    static Database database(Connection connection) throws SQLException {
        try {
            return DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
        } catch (liquibase.exception.DatabaseException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    static String table(Database database) {
        return database.escapeTableName(
                database.getLiquibaseCatalogName(),
                database.getLiquibaseSchemaName(),
                database.getDatabaseChangeLogTableName());
    }

    /** The changesets {@code DATABASECHANGELOG} records, none when it does not exist yet. */
    private static List<ChangeSetId> ran(Connection connection, Database database) throws SQLException {
        List<ChangeSetId> ran = new ArrayList<>();
        try (Statement s = connection.createStatement()) {
            boolean exists;
            try (ResultSet rs =
                    s.executeQuery("SELECT to_regclass('" + table(database).replace("'", "''") + "')")) {
                exists = rs.next() && rs.getString(1) != null;
            }
            if (!exists) {
                return ran;
            }
            try (ResultSet rs =
                    s.executeQuery("SELECT filename, id, author FROM " + table(database) + " ORDER BY orderexecuted")) {
                while (rs.next()) {
                    ran.add(new ChangeSetId(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return ran;
    }
}
