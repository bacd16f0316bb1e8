package io.github.lakebase.junit.providertests.external;

import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.PersistentBases;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.RenamableSpares;
import io.github.lakebase.junit.spi.SweepingProvider;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A provider as a third party would write it, with nothing but the SPI: template clones on a
 * PostgreSQL server given by an admin URL ({@code clones.url}, {@code clones.user},
 * {@code clones.password}), with renamed spares, bases kept across runs, and a sweep of dead runs
 * recognised by a session-level advisory lock that a live run holds.
 */
final class ClonesProvider implements BranchProvider, RenamableSpares, PersistentBases, SweepingProvider {

    private static final int LIVE_RUN_LOCK = 7171;
    private static final int BUILD_LOCK = 7172;

    private final ProviderContext context;
    private final BranchNames names;
    private final BranchConnection admin;
    private final Connection liveness;
    private final Set<String> created = ConcurrentHashMap.newKeySet();

    ClonesProvider(ProviderContext context) {
        this.context = context;
        this.names = context.names();
        this.admin = BranchConnection.of(
                context.required("clones.url"), context.required("clones.user"), context.required("clones.password"));
        try {
            this.liveness = admin.open();
            lock(liveness, "pg_advisory_lock", LIVE_RUN_LOCK, context.runId());
        } catch (SQLException e) {
            throw new ProviderException("clones: cannot reach " + admin.jdbcUrl() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String defaultParent() {
        return "template1";
    }

    @Override
    public Optional<String> resolveParent(String parent) {
        return rows("SELECT datname FROM pg_database WHERE datname = ?", parent).stream()
                .map(row -> row[0])
                .findFirst();
    }

    @Override
    public List<String> knownParents() {
        return List.of(defaultParent());
    }

    @Override
    public BranchConnection create(BranchRequest request) {
        return clone(request.name(), request.source(), request.kind().name().toLowerCase());
    }

    @Override
    public BranchConnection createSpare(String name, String source) {
        return clone(name, source, "spare");
    }

    @Override
    public BranchConnection claim(String spare, String name) {
        requireOwn(spare);
        execute("ALTER DATABASE " + quote(spare) + " RENAME TO " + quote(name) + "; " + comment(name, "branch"));
        created.remove(spare);
        created.add(name);
        return connection(name);
    }

    @Override
    public void seal(String name) {
        requireOwn(name);
        execute("ALTER DATABASE " + quote(name) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
    }

    @Override
    public void reset(String name, String source) {
        delete(name);
        clone(name, source, "branch");
    }

    @Override
    public void delete(String name) {
        requireOwn(name);
        drop(name);
        created.remove(name);
    }

    @Override
    public Optional<Instant> keep(String name) {
        requireOwn(name);
        execute(comment(name, "kept"));
        created.remove(name);
        return Optional.empty();
    }

    @Override
    public void requireTestBranch(String name, Connection connection) {
        requireOwn(name);
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database(), "
                        + "shobj_description((SELECT oid FROM pg_database WHERE datname = current_database()), "
                        + "'pg_database')")) {
            rs.next();
            if (!name.equals(rs.getString(1)) || !marker("branch").equals(rs.getString(2))) {
                throw new ProviderException("clones: " + rs.getString(1) + " is not the test branch " + name, null);
            }
        } catch (SQLException e) {
            throw new ProviderException("clones: cannot check " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> ownBranches() {
        return List.copyOf(created);
    }

    @Override
    public Optional<BaseCache> baseCache() {
        return Optional.of(this::obtain);
    }

    private String obtain(BaseCache.Entry entry, Supplier<String> build) {
        String name = names.kept(entry.kind(), Integer.toHexString((entry.content() + "|" + entry.slot()).hashCode()));
        try (Connection lock = admin.open()) {
            lock(lock, "pg_advisory_lock", BUILD_LOCK, name);
            if (resolveParent(name).isPresent()) {
                return name;
            }
            String built = build.get();
            execute("ALTER DATABASE " + quote(built) + " RENAME TO " + quote(name));
            created.remove(built);
            return name;
        } catch (SQLException e) {
            throw new ProviderException("clones: cannot keep " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> sweep() {
        List<String> swept = new ArrayList<>();
        for (String[] row : rows(
                "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database "
                        + "WHERE shobj_description(oid, 'pg_database') LIKE ?",
                "clones run=%")) {
            String name = row[0];
            String run = row[1].replaceAll("clones run=(\\S+) kind=\\S+", "$1");
            boolean kept = row[1].endsWith("kind=kept");
            if (!kept && !run.equals(context.runId()) && names.runOf(name).isPresent() && isDead(run)) {
                drop(name);
                swept.add(name);
            }
        }
        return swept;
    }

    @Override
    public int connectionLimit() {
        return 40;
    }

    @Override
    public String describe() {
        return "clones on " + admin.jdbcUrl();
    }

    @Override
    public void close() {
        try {
            liveness.close();
        } catch (SQLException e) {
            throw new ProviderException("clones: " + e.getMessage(), e);
        }
    }

    private BranchConnection clone(String name, String source, String kind) {
        execute("CREATE DATABASE " + quote(name) + " TEMPLATE " + quote(source) + " STRATEGY FILE_COPY");
        created.add(name);
        execute(comment(name, kind));
        return connection(name);
    }

    private BranchConnection connection(String database) {
        return BranchConnection.of(
                admin.jdbcUrl().replaceFirst("/[^/?]*(\\?|$)", "/" + database + "$1"),
                admin.username(),
                admin.password());
    }

    private boolean isDead(String run) {
        try (Connection probe = admin.open()) {
            return lock(probe, "pg_try_advisory_lock", LIVE_RUN_LOCK, run);
        } catch (SQLException e) {
            return false;
        }
    }

    private void requireOwn(String name) {
        if (!created.contains(name)) {
            throw new ProviderException(
                    "clones: refusing to touch " + name + ", which run " + context.runId() + " did not create", null);
        }
    }

    private void drop(String name) {
        execute("ALTER DATABASE " + quote(name) + " WITH IS_TEMPLATE false; DROP DATABASE " + quote(name)
                + " WITH (FORCE)");
    }

    private String comment(String name, String kind) {
        return "COMMENT ON DATABASE " + quote(name) + " IS '" + marker(kind) + "'";
    }

    private String marker(String kind) {
        return "clones run=" + context.runId() + " kind=" + kind;
    }

    private void execute(String sql) {
        try (Connection c = admin.open();
                Statement s = c.createStatement()) {
            for (String statement : sql.split("; ")) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new ProviderException("clones: " + sql + ": " + e.getMessage(), e);
        }
    }

    private List<String[]> rows(String sql, String parameter) {
        try (Connection c = admin.open();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            List<String[]> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {
                        rs.getString(1), rs.getMetaData().getColumnCount() > 1 ? rs.getString(2) : null
                    });
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new ProviderException("clones: " + e.getMessage(), e);
        }
    }

    private static boolean lock(Connection c, String function, int key, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?, hashtext(?))")) {
            ps.setInt(1, key);
            ps.setString(2, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return !"pg_try_advisory_lock".equals(function) || rs.getBoolean(1);
            }
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
