package io.github.lakebase.junit.internal.server;

import static io.github.lakebase.junit.internal.server.Ownership.MARKER;

import io.github.lakebase.junit.internal.util.Digests;
import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kept bases and parents on a PostgreSQL server whose data outlives the run: sealed templates named
 * {@code <prefix><kind>_<key>}, where the key digests the fingerprint of their content with the
 * server's version, and commented {@code lakebase-junit cache=<key> slot=<slot> kind=<kind>
 * used=<day>} instead of naming a run, so that no sweep of dead runs' branches drops them.
 *
 * <p>Advisory locks keep runs on one server from clashing: a run holds a shared <em>use</em> lock on
 * every kept database it forks from, for as long as it lives; a run builds a missing one under an
 * exclusive <em>build</em> lock, so that a concurrent run that needs the same one waits and uses it;
 * and a kept database is collected only under an exclusive use lock, which no live run holds then.
 * A half-built one carries the builder's run id until it is complete, so the sweep drops it when its
 * builder was killed.
 *
 * <p>A slot is a module's (a parent and migration locations in a module's directory): it holds the kept database
 * the module used last, and a second slot of its own the one it used before that, so that switching between two
 * versions of its migrations finds both kept. A build replaces the one the module used before, which goes, and the
 * one it used last becomes its previous one.
 *
 * <p>Beside a kept base, a run that ends keeps one of its spares of it, which the next run takes as its first branch
 * of the base ({@link KeptSpares}); it goes with its base.
 */
final class TemplateBaseCache implements BaseCache {

    private static final Logger LOG = LoggerFactory.getLogger(TemplateBaseCache.class);
    /** The first key of a use lock ("LBU" in ASCII). */
    static final int USE_LOCK = 0x4c4255;
    /** The first key of a build lock ("LBB" in ASCII). */
    static final int BUILD_LOCK = 0x4c4242;
    /** How long a kept database may go unused before a run collects it. */
    static final int UNUSED_DAYS = 30;

    private static final Pattern COMMENT = Pattern.compile(
            Pattern.quote(MARKER) + " cache=([0-9a-f]+) slot=([0-9a-f]+) kind=([a-z]+) used=(\\d{4}-\\d{2}-\\d{2})");

    private final AdminSql admin;
    private final Consumer<String> disown;
    private final KeptSpares spares;
    private final Connection session;
    private final String serverVersion;
    private final BranchNames names;
    private final Set<String> held = new HashSet<>();
    /** The key of each kept database this run found or built, by its name: no listing needed for its spare. */
    private final Map<String, String> keys = new ConcurrentHashMap<>();

    /**
     * @param admin the server's admin SQL
     * @param disown called with a database of this run that now belongs to no run (a base kept for later runs)
     * @param spares the spares kept beside the kept databases
     * @param session a connection that lives as long as the run, to hold its use locks
     * @param serverVersion the server's version, part of every key
     * @param names the run's names
     */
    TemplateBaseCache(
            AdminSql admin,
            Consumer<String> disown,
            KeptSpares spares,
            Connection session,
            String serverVersion,
            BranchNames names) {
        this.admin = admin;
        this.disown = disown;
        this.spares = spares;
        this.session = session;
        this.serverVersion = serverVersion;
        this.names = names;
    }

    /** A kept database as its comment describes it. */
    private record Kept(String name, String key, String slot, String kind, LocalDate used) {}

    @Override
    public String obtain(Entry entry, Supplier<String> build) {
        return obtain(entry, build, false);
    }

    @Override
    public Optional<String> find(Entry entry) {
        String key = key(entry);
        String name = names.kept(entry.kind(), key);
        keys.put(name, key);
        hold(key);
        if (lookup(name, key).isEmpty()) {
            return Optional.empty();
        }
        touch(name, slot(entry));
        LOG.info("Reusing {} {} kept by an earlier run: what it is made of has not changed", entry.kind(), name);
        return Optional.of(name);
    }

    /** Renames {@code spare} after the key of {@code base}, a kept database this run holds. */
    @Override
    public boolean keepSpare(String spare, String base) {
        return key(base).filter(key -> spares.keep(spare, base, key)).isPresent();
    }

    @Override
    public Optional<BranchConnection> takeKeptSpare(String base, String name) {
        return key(base).flatMap(key -> spares.take(base, key, name));
    }

    /** The key of the kept database {@code name}, if it is one: as this run found or built it, else as listed. */
    private Optional<String> key(String name) {
        String known = keys.get(name);
        return known != null
                ? Optional.of(known)
                : kept().stream()
                        .filter(k -> k.name().equals(name))
                        .map(Kept::key)
                        .findFirst();
    }

    /** Drops a kept database for {@code entry} first, unless a live run uses it. */
    @Override
    public String rebuild(Entry entry, Supplier<String> build) {
        return obtain(entry, build, true);
    }

    private String obtain(Entry entry, Supplier<String> build, boolean rebuild) {
        if (!rebuild) {
            Optional<String> kept = find(entry);
            if (kept.isPresent()) {
                return kept.get();
            }
        }
        String key = key(entry);
        String name = names.kept(entry.kind(), key);
        keys.put(name, key);
        String slot = slot(entry);
        long start = System.nanoTime();
        try (Connection lock = admin.dedicatedConnection()) {
            advisoryLock(lock, "pg_advisory_lock", BUILD_LOCK, key); // waits while another run builds it
            boolean again = rebuild && lookup(name, key).isPresent(); // the module's other one then stays
            if (again && !dropToRebuild(lock, name, key, entry.kind())) {
                hold(key);
                touch(name, slot);
                return name;
            }
            hold(key);
            if (!rebuild && lookup(name, key).isPresent()) {
                touch(name, slot);
                LOG.info(
                        "Using {} {}, which another run built meanwhile (waited {} ms)",
                        entry.kind(),
                        name,
                        (System.nanoTime() - start) / 1_000_000);
                return name;
            }
            String built = build.get();
            admin.execute("ALTER DATABASE " + AdminSql.quote(built) + " RENAME TO " + AdminSql.quote(name)
                    + "; COMMENT ON DATABASE " + AdminSql.quote(name) + " IS "
                    + AdminSql.literal(comment(key, slot, entry.kind(), today())));
            disown.accept(built);
            LOG.info("Kept {} {} for later runs on this data directory", entry.kind(), name);
            if (!again) { // a new version: the module's previous kept database goes
                collect(
                        lock,
                        kept().stream()
                                .filter(k -> k.slot().equals(previous(slot))
                                        && !k.key().equals(key))
                                .toList(),
                        "replaced by " + name);
            }
            // The one it used last becomes its previous one, as read after the drops (which may take seconds).
            kept().stream()
                    .filter(k -> k.slot().equals(slot) && !k.key().equals(key))
                    .forEach(k -> comment(k, previous(slot), k.used()));
            return name;
        } catch (SQLException e) {
            throw new ProviderException(
                    "Could not lock " + entry.kind() + " " + name + " on " + admin.describe() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Drops the kept database {@code name} so that it is built again, holding its use lock exclusively meanwhile;
     * {@code false} when a live run uses it (this one too), which leaves it as it is.
     */
    private boolean dropToRebuild(Connection lock, String name, String key, String kind) throws SQLException {
        if (held.contains(key) || !advisoryLock(lock, "pg_try_advisory_lock", USE_LOCK, key)) {
            LOG.warn(
                    "Not building the kept {} {} again ({}=true): a live run uses it, so this run uses it as it is",
                    kind,
                    name,
                    "lakebase.rebuild-bases");
            return false;
        }
        try {
            spares.dropWith(key);
            admin.dropDatabase(name);
            LOG.info("Dropped the kept {} {} to build it again (lakebase.rebuild-bases=true)", kind, name);
        } finally {
            advisoryLock(lock, "pg_advisory_unlock", USE_LOCK, key);
        }
        return true;
    }

    /** Collects the kept databases no run has used for {@value #UNUSED_DAYS} days, and the kept spares whose base is gone. */
    void collectUnused() {
        LocalDate before = today().minusDays(UNUSED_DAYS);
        try (Connection c = admin.connection()) {
            collect(
                    c,
                    kept().stream().filter(k -> k.used().isBefore(before)).toList(),
                    "unused for " + UNUSED_DAYS + " days");
            spares.collectOrphans();
        } catch (SQLException | ProviderException e) {
            LOG.warn("Could not collect unused kept bases on {}: {}", admin.describe(), e.getMessage());
        }
    }

    /** Drops those of {@code stale} that no live run uses, holding each one's use lock exclusively meanwhile. */
    private void collect(Connection c, List<Kept> stale, String why) throws SQLException {
        for (Kept k : stale) {
            if (!advisoryLock(c, "pg_try_advisory_lock", USE_LOCK, k.key())) {
                LOG.debug("Not collecting {}: a live run uses it", k.name());
                continue;
            }
            try {
                spares.dropWith(k.key());
                admin.dropDatabase(k.name());
                LOG.info("Collected the kept {} {} ({})", k.kind(), k.name(), why);
            } finally {
                advisoryLock(c, "pg_advisory_unlock", USE_LOCK, k.key());
            }
        }
    }

    /** Holds the use lock of {@code key} for the rest of the run, so that no other run collects it. */
    private synchronized void hold(String key) {
        if (held.contains(key)) {
            return;
        }
        try {
            advisoryLock(session, "pg_advisory_lock_shared", USE_LOCK, key);
            held.add(key);
        } catch (SQLException e) {
            throw new ProviderException("Could not lock a kept base on " + admin.describe() + ": " + e.getMessage(), e);
        }
    }

    private Optional<Kept> lookup(String name, String key) {
        return kept().stream()
                .filter(k -> k.name().equals(name) && k.key().equals(key))
                .findFirst();
    }

    /** Every kept database on the server: sealed, and commented as kept. */
    private List<Kept> kept() {
        List<Kept> all = new ArrayList<>();
        for (String[] row : admin.rows(
                "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database "
                        + "WHERE datistemplate AND NOT datallowconn AND shobj_description(oid, 'pg_database') LIKE ?",
                MARKER + " cache=%")) {
            Matcher m = COMMENT.matcher(row[1]);
            if (m.matches() && row[0].startsWith(names.prefix())) {
                all.add(new Kept(row[0], m.group(1), m.group(2), m.group(3), LocalDate.parse(m.group(4))));
            }
        }
        return all;
    }

    /**
     * Records that the kept database was used today (at most once a day) by the module of {@code slot}: it becomes
     * the one that module used last, and the one the module used last before becomes its previous one. So a module's
     * next build replaces what it used least recently; and a base that two modules with the same migrations share
     * belongs to the one that used it last, whose builds alone replace it.
     */
    private void touch(String name, String slot) {
        List<Kept> all = kept();
        all.stream().filter(k -> k.name().equals(name)).findFirst().ifPresent(used -> {
            if (!used.slot().equals(slot)) {
                all.stream()
                        .filter(k -> k.slot().equals(slot) && !k.name().equals(name))
                        .forEach(k -> comment(k, previous(slot), k.used()));
            }
            if (!used.slot().equals(slot) || !used.used().equals(today())) {
                comment(used, slot, today());
            }
        });
    }

    /** What a kept database for {@code entry} is made of, on this server's version: the key in its name. */
    private String key(Entry entry) {
        return digest(entry.content() + "|" + entry.kind() + "|" + serverVersion);
    }

    /** The slot of the module that last used a kept database for {@code entry}. */
    private static String slot(Entry entry) {
        return digest(entry.kind() + "|" + entry.slot());
    }

    /** The slot of what the module of {@code slot} used before the kept database it used last. */
    private static String previous(String slot) {
        return digest(slot + "|previous");
    }

    /** Comments the kept database {@code k} as belonging to {@code slot}, last used on {@code used}. */
    private void comment(Kept k, String slot, LocalDate used) {
        try {
            admin.execute("COMMENT ON DATABASE " + AdminSql.quote(k.name()) + " IS "
                    + AdminSql.literal(comment(k.key(), slot, k.kind(), used)));
        } catch (ProviderException e) {
            // Collected since it was listed (by this run's sweep, which runs beside its first fork, or by another
            // run's): nothing is left to comment, and the base this run uses is held.
            if (admin.query("SELECT datname FROM pg_database WHERE datname = ?", k.name())
                    .isEmpty()) {
                LOG.debug("The kept {} {} was collected meanwhile: {}", k.kind(), k.name(), e.getMessage());
                return;
            }
            throw e;
        }
    }

    private static String comment(String key, String slot, String kind, LocalDate used) {
        return MARKER + " cache=" + key + " slot=" + slot + " kind=" + kind + " used=" + used;
    }

    private static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    /** Calls an advisory lock function on {@code key}; {@code false} only when a {@code try} function fails. */
    private static boolean advisoryLock(Connection c, String function, int first, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?, ?)")) {
            ps.setInt(1, first);
            ps.setInt(2, (int) Long.parseLong(key.substring(0, 8), 16));
            try (ResultSet rs = ps.executeQuery()) {
                return !function.startsWith("pg_try_") || (rs.next() && rs.getBoolean(1));
            }
        }
    }

    private static String digest(String text) {
        return Digests.sha256Hex(text, 8);
    }
}
