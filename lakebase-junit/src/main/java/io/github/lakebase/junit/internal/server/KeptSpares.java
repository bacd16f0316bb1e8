package io.github.lakebase.junit.internal.server;

import static io.github.lakebase.junit.internal.server.Ownership.MARKER;

import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.ProviderException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spares kept from one run to the next beside their kept bases ({@link BaseCache#keepSpare}), so that the first test
 * of a warm run waits for a rename instead of a copy of its base: a branch of a kept base that no test took is renamed
 * {@code <prefix>spare_<key>} after the base's key, and commented {@code lakebase-junit cache=<key> spare-of=<oid>}
 * with the base's object id, which PostgreSQL gives no other database while the base exists. A base built again under
 * its name has another id, so a spare of the one it replaced is never taken; it goes when its base is collected, and
 * a spare whose base is gone goes at the next run's collection. Like a kept base, a kept spare names no run: no sweep of
 * dead runs drops it.
 *
 * <p>A run takes it with a rename, which PostgreSQL refuses while a session is connected to it, and which only one of
 * two runs that try at once can do.
 *
 * <pre>{@code
 * spares.keep("lbj_k3x9q2a_12", "lbj_base_03481d47facc1178", "03481d47facc1178");   // as a run ends
 * Optional<BranchConnection> first = spares.take("lbj_base_03481d47facc1178", "03481d47facc1178", "lbj_m2p8r4c_1_test");
 * }</pre>
 */
final class KeptSpares {

    private static final Logger LOG = LoggerFactory.getLogger(KeptSpares.class);
    /** The start of a kept spare's comment; the key and the base's object id follow. */
    private static final String COMMENT = MARKER + " cache=";

    private final AdminSql admin;
    private final BranchNames names;
    /** The databases of this run, which a kept spare leaves and a taken one joins. */
    private final Set<String> created;

    private final Ownership ownership;
    private final Function<String, BranchConnection> connections;

    /**
     * @param admin the server's admin SQL
     * @param names the run's names
     * @param created the databases of this run
     * @param ownership the comments of this run's databases
     * @param connections how to connect to a database of the server
     */
    KeptSpares(
            AdminSql admin,
            BranchNames names,
            Set<String> created,
            Ownership ownership,
            Function<String, BranchConnection> connections) {
        this.admin = admin;
        this.names = names;
        this.created = created;
        this.ownership = ownership;
        this.connections = connections;
    }

    /**
     * Keeps {@code spare}, a branch of this run equal to the kept database {@code base} whose key is {@code key}.
     *
     * @return whether it was kept; false when a spare of the base is kept already, or a session is connected to it
     */
    boolean keep(String spare, String base, String key) {
        if (!created.contains(spare)) {
            return false;
        }
        Optional<String> oid =
                admin.query("SELECT oid::text FROM pg_database WHERE datname = ? AND datistemplate", base).stream()
                        .findFirst();
        if (oid.isEmpty()) {
            return false;
        }
        String name = name(key);
        try {
            // One implicit transaction: it is never renamed without its comment, which takes it from this run.
            admin.execute("ALTER DATABASE " + AdminSql.quote(spare) + " RENAME TO " + AdminSql.quote(name)
                    + "; COMMENT ON DATABASE " + AdminSql.quote(name) + " IS "
                    + AdminSql.literal(comment(key) + oid.get()));
        } catch (ProviderException e) {
            LOG.debug("Not keeping the spare {} of {}: {}", spare, base, e.getMessage());
            return false;
        }
        created.remove(spare);
        LOG.info("Kept spare {} of base {} for the next run to take as its first branch", name, base);
        return true;
    }

    /**
     * The spare kept of {@code base} (whose key is {@code key}), renamed to {@code name} and recorded as a branch of
     * this run; empty when there is none of this very base, or another run took it first.
     */
    Optional<BranchConnection> take(String base, String key, String name) {
        String spare = name(key);
        if (admin.query(
                        "SELECT b.datname FROM pg_database b WHERE b.datname = ? AND b.datistemplate AND EXISTS ("
                                + "SELECT 1 FROM pg_database s WHERE s.datname = " + AdminSql.literal(spare)
                                + " AND shobj_description(s.oid, 'pg_database') = "
                                + AdminSql.literal(comment(key)) + " || b.oid::text)",
                        base)
                .isEmpty()) {
            return Optional.empty();
        }
        created.add(name);
        try {
            admin.execute("ALTER DATABASE " + AdminSql.quote(spare) + " RENAME TO " + AdminSql.quote(name)
                    + "; COMMENT ON DATABASE " + AdminSql.quote(name) + " IS "
                    + ownership.literal(Kind.BRANCH.name()));
        } catch (ProviderException e) { // another run took it, or a session is connected to it
            created.remove(name);
            LOG.debug("Could not take the spare {} of {}: {}", spare, base, e.getMessage());
            return Optional.empty();
        }
        LOG.info("Branch {} is the spare {} of base {} that an earlier run kept", name, spare, base);
        return Optional.of(connections.apply(name));
    }

    /** Drops the spare kept of the kept database whose key is {@code key}, if there is one: the database goes. */
    void dropWith(String key) {
        admin.dropDatabase(name(key));
    }

    /** Drops the kept spares whose base is gone, or was built again since. */
    void collectOrphans() {
        List<String> orphans = admin.query(
                "SELECT s.datname FROM pg_database s WHERE shobj_description(s.oid, 'pg_database') LIKE ? "
                        + "AND NOT EXISTS (SELECT 1 FROM pg_database b WHERE b.datistemplate AND "
                        + "shobj_description(s.oid, 'pg_database') LIKE '% spare-of=' || b.oid::text)",
                COMMENT + "% spare-of=%");
        for (String orphan : orphans) {
            if (orphan.startsWith(names.prefix())) {
                admin.dropDatabase(orphan);
                LOG.info("Collected the kept spare {}: its base is gone", orphan);
            }
        }
    }

    private String name(String key) {
        return names.kept("spare", key);
    }

    private static String comment(String key) {
        return COMMENT + key + " spare-of=";
    }
}
