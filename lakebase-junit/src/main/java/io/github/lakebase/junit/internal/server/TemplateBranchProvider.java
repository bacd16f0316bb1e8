package io.github.lakebase.junit.internal.server;

import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.KeptBranch;
import io.github.lakebase.junit.spi.PersistentBases;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.RenamableSpares;
import io.github.lakebase.junit.spi.RestorableBranches;
import io.github.lakebase.junit.spi.SweepingProvider;
import io.github.lakebase.junit.spi.cloud.CatalogOf;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches as databases on one PostgreSQL server: {@code CREATE DATABASE ... TEMPLATE ... STRATEGY
 * FILE_COPY} (copy-on-write with {@code file_copy_method = clone} on PostgreSQL 18 and a filesystem
 * with reflinks), sealed bases as templates that accept no connections, and ownership recorded as a
 * comment on each database together with the run id.
 *
 * <p>A run proves it is alive by holding a session-level advisory lock for its run id; a sweep
 * drops only databases whose comment names a run that holds no such lock, so two live runs on one
 * server never sweep each other's branches, and a database without the library's comment is never
 * touched, whatever its name.
 */
public class TemplateBranchProvider
        implements BranchProvider, RenamableSpares, PersistentBases, SweepingProvider, CatalogOf {

    private static final Logger LOG = LoggerFactory.getLogger(TemplateBranchProvider.class);
    /** The free space, beyond twice a base's size, below which no spare of it is forked. */
    public static final long SPARE_DISK_RESERVE_MB = SpareDiskPolicy.RESERVE_MB;

    private final PostgresServer server;
    private final ProviderContext context;
    private final String defaultParent;
    private final Connection liveness;
    private final int majorVersion;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final AdminSql admin;
    private final int connectionLimit;
    private final TemplateBaseCache cache;
    private final SpareDiskPolicy spareDisk;
    private final DatabaseProperties properties;
    private final Ownership ownership;
    private final ServerCatalog catalog;
    private final BranchRestores restores;
    /** The kind of each parent and base of this run not sealed yet, for the comment that seals it. */
    private final Map<String, String> unsealed = new ConcurrentHashMap<>();

    /**
     * Takes over {@code server}: closes it when this provider is closed.
     *
     * @param server the server
     * @param context the configuration and run
     * @param defaultParent the parent when none is named, for example {@code template1}
     */
    public TemplateBranchProvider(PostgresServer server, ProviderContext context, String defaultParent) {
        this.server = server;
        this.context = context;
        this.defaultParent = defaultParent;
        this.ownership = new Ownership(context.runId());
        try {
            this.liveness = server.connectAdmin();
            DeadRuns.proveAlive(liveness, context.runId());
            this.majorVersion = liveness.getMetaData().getDatabaseMajorVersion();
            this.connectionLimit = AdminSql.connectionLimit(liveness);
            this.admin = new AdminSql(server, majorVersion);
            this.spareDisk = new SpareDiskPolicy(server, admin);
            this.properties = new DatabaseProperties(admin);
            RowFiles files = RowFiles.of(server, context.runId());
            this.restores =
                    new BranchRestores(admin, this::connection, created, ownership, liveness, majorVersion, files);
            this.catalog = new ServerCatalog(admin, context, this::connection);
            this.cache = server.persistent()
                    ? new TemplateBaseCache(
                            admin,
                            created::remove,
                            new KeptSpares(admin, context.names(), created, ownership, this::connection),
                            liveness,
                            liveness.getMetaData().getDatabaseProductVersion(),
                            context.names())
                    : null;
        } catch (SQLException e) {
            server.close();
            throw new ProviderException("Could not connect to " + server.describe() + ": " + e.getMessage(), e);
        }
    }

    /** The server branches live on. */
    public PostgresServer server() {
        return server;
    }

    @Override
    public String defaultParent() {
        return defaultParent;
    }

    @Override
    public Optional<String> resolveParent(String parent) {
        if (parent.equals(server.maintenanceDatabase())) {
            throw ProviderException.configuration("The database '" + parent + "' cannot be a parent: the library "
                    + "administers the server through it, and PostgreSQL clones a database only while nobody is "
                    + "connected to it. Fork from template1 (the default) or from a database of your own.");
        }
        return admin.query("SELECT datname FROM pg_database WHERE datname = ?", parent).stream()
                .findFirst();
    }

    @Override
    public List<String> knownParents() {
        List<String> names = new ArrayList<>(List.of(defaultParent));
        for (String name : admin.query(
                "SELECT datname FROM pg_database WHERE datname NOT IN ('template0') "
                        + "AND coalesce(shobj_description(oid, 'pg_database'), '') NOT LIKE ? ORDER BY datname",
                Ownership.MARKER + "%")) {
            if (!names.contains(name) && !name.equals(server.maintenanceDatabase())) {
                names.add(name);
            }
        }
        return names;
    }

    @Override
    public BranchConnection create(BranchRequest request) {
        return create(request, request.kind().name());
    }

    @Override
    public BranchConnection createSpare(String name, String source) {
        return create(new BranchRequest(name, source, null, Kind.BRANCH), "spare");
    }

    private BranchConnection create(BranchRequest request, String kind) {
        if (request.asOf() != null) {
            throw ProviderException.configuration("Point-in-time branching (asOf) is not supported by " + describe()
                    + ": a PostgreSQL template clone copies the current state only. Remove asOf, or use "
                    + "a provider that branches at a point in time.");
        }
        String sql = "CREATE DATABASE " + AdminSql.quote(request.name()) + " TEMPLATE "
                + AdminSql.quote(request.source()) + properties.ownerOption(request.source())
                + (majorVersion >= 15 ? " STRATEGY FILE_COPY" : "");
        // One round trip after the clone: its ownership, and what the template has beside its files.
        String record = "COMMENT ON DATABASE " + AdminSql.quote(request.name()) + " IS " + ownership.literal(kind)
                + properties.carry(request.source(), request.name());
        SQLException last = null;
        // PostgreSQL itself waits up to 5 s for other sessions to leave the template; try a few times more.
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Connection c = admin.connection();
                    Statement s = c.createStatement()) {
                s.execute(sql);
                created.add(request.name());
                carry(s, record, request);
                if (request.kind() != Kind.BRANCH) {
                    unsealed.put(request.name(), kind);
                }
                return connection(request.name());
            } catch (SQLException e) {
                last = e;
                if (!"55006".equals(e.getSQLState())) { // object_in_use: the template has a connection
                    break;
                }
                sleep(100L * (attempt + 1));
            }
        }
        String hint = last != null && "55006".equals(last.getSQLState())
                ? " The parent '" + request.source() + "' has open connections; a template can only be cloned while "
                        + "nobody is connected to it."
                : "";
        throw new ProviderException(
                "Could not create branch " + request.name() + " from " + request.source() + " on " + describe() + ": "
                        + (last == null ? "" : last.getMessage()) + hint,
                last);
    }

    private void carry(Statement s, String record, BranchRequest request) {
        try {
            s.execute(record);
        } catch (SQLException e) {
            dropDatabase(request.name());
            created.remove(request.name());
            throw new ProviderException(
                    "Could not give " + request.name() + " the settings, owner and privileges of " + request.source()
                            + " on " + describe() + ": " + e.getMessage() + ". The user the library connects "
                            + "with needs the right to set them (" + record + ").",
                    e);
        }
    }

    /** Connection details of a database of this server. */
    protected BranchConnection connection(String database) {
        return BranchConnection.of(server.jdbcUrl(database), server.username(), server.password());
    }

    /**
     * A spare may take as much disk as its base (a plain file copy does), so one is forked only while the
     * server's filesystem keeps twice the base's size and {@value SpareDiskPolicy#RESERVE_MB} MB free: the test
     * that takes it, and branches forked on demand, still find room. Where the server's disk is out of
     * sight (a server elsewhere), nothing holds a spare back.
     */
    @Override
    public Optional<String> noRoomForSpare(String source) {
        return spareDisk.noRoomFor(source);
    }

    /** A base of at most {@value SpareDiskPolicy#CHEAP_FORK_MB} MB ({@link SpareDiskPolicy#cheapToFork}). */
    @Override
    public boolean forksCheaply(String source) {
        return spareDisk.cheapToFork(source);
    }

    /** A rename is a catalog update: the database's files stay where they are, so it costs one round trip. */
    @Override
    public BranchConnection claim(String spare, String name) {
        requireOwn(spare);
        // One implicit transaction: the branch is never renamed without being recorded as a test's.
        admin.execute((spare.equals(name)
                        ? ""
                        : "ALTER DATABASE " + AdminSql.quote(spare) + " RENAME TO " + AdminSql.quote(name) + "; ")
                + "COMMENT ON DATABASE " + AdminSql.quote(name) + " IS " + ownership.literal(Kind.BRANCH.name()));
        restores.renamed(spare, name); // and so the run's own databases
        return connection(name);
    }

    @Override
    public Optional<RestorableBranches> restorable() {
        return Optional.of(restores);
    }

    /** Also says what its branches will not have of it, and puts back the library's comment if it was replaced. */
    @Override
    public void seal(String name) {
        requireOwn(name);
        String kind = unsealed.remove(name);
        properties.checkSealed(name, kind == null ? null : ownership.comment(kind));
        properties.forget(name);
        admin.execute("ALTER DATABASE " + AdminSql.quote(name) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
        admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " + AdminSql.literal(name));
    }

    @Override
    public void reset(String name, String source) {
        requireOwn(name);
        dropDatabase(name);
        created.remove(name);
        create(new BranchRequest(name, source, null, Kind.BRANCH));
    }

    @Override
    public void delete(String name) {
        requireOwn(name);
        restores.forget(name);
        dropDatabase(name);
        created.remove(name);
        unsealed.remove(name);
        properties.forget(name);
    }

    @Override
    public Optional<Instant> keep(String name) {
        return keep(name, new KeptBranch(KeptBranch.Reason.NEVER, "", "", List.of()));
    }

    /** Records why in the database's comment; a branch kept for a failed test gets its expiry there. */
    @Override
    public Optional<Instant> keep(String name, KeptBranch kept) {
        requireOwn(name);
        Optional<Instant> until = catalog.keep(name, kept);
        created.remove(name);
        return until;
    }

    @Override
    public boolean keepsBranchesAfterExit() {
        return server.outlivesJvm();
    }

    /** Lists, reaches and drops the library's databases on this server, across runs. */
    @Override
    public BranchCatalog catalog() {
        return catalog;
    }

    @Override
    public List<String> openSessions(String name) {
        requireOwn(name);
        return admin.query(
                "SELECT coalesce(state, 'unknown') || CASE WHEN EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid "
                        + "AND l.granted AND l.locktype = 'relation') THEN ', holding locks' ELSE '' END FROM pg_stat_activity a "
                        + "WHERE datname = ? AND pid <> pg_backend_pid() ORDER BY pid",
                name);
    }

    /**
     * Checks the database itself as well as this run's bookkeeping: {@code connection} must be connected to
     * {@code name}, and the database's comment must mark it as a test branch of this run. A parent, a sealed
     * base, a kept branch, another run's branch and a database without the comment are all refused.
     */
    @Override
    public void requireTestBranch(String name, Connection connection) {
        requireOwn(name);
        ownership.requireTestBranch(name, connection, describe());
    }

    /** Two: a branch forked ahead is a database on this server, which costs disk space, and little on reflinks. */
    @Override
    public int defaultPrefetch() {
        return 2;
    }

    @Override
    public int connectionLimit() {
        return connectionLimit;
    }

    /** Where the server is a process of this machine's (the embedded one), whether it has exited. */
    @Override
    public boolean isStopped() {
        return !server.running();
    }

    @Override
    public boolean isAlive() {
        return server.answers();
    }

    @Override
    public List<String> ownBranches() {
        return List.copyOf(created);
    }

    /** Sweeps what dead runs left, and collects kept bases that no run has used for long. */
    @Override
    public List<String> sweep() {
        List<String> swept = DeadRuns.sweep(admin, context.runId(), context.names());
        restores.sweep();
        if (cache != null) {
            cache.collectUnused();
        }
        return swept;
    }

    @Override
    public Optional<BaseCache> baseCache() {
        return Optional.ofNullable(cache);
    }

    private void requireOwn(String name) {
        if (!created.contains(name)) {
            throw new ProviderException(
                    "Refusing to modify the database '" + name + "': it was not created by "
                            + "lakebase-junit in this run.",
                    null);
        }
    }

    void dropDatabase(String name) {
        admin.dropDatabase(name);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("Interrupted", e);
        }
    }

    @Override
    public String describe() {
        return server.describe();
    }

    @Override
    public void close() {
        restores.close();
        admin.close();
        try (liveness) {
            DeadRuns.release(liveness);
        } catch (SQLException e) {
            LOG.debug("Closing the liveness connection", e);
        }
        server.close();
    }
}
