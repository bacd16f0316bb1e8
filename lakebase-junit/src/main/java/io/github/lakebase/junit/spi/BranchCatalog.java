package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * An optional capability of a {@link BranchProvider}: it finds the branches the library left on its
 * server or service, from any run, so that a person can list, reach and drop them after the runs that
 * made them have ended (the library's command line, {@code io.github.lakebase.junit.cli.Branches}).
 *
 * <pre>{@code
 * if (provider instanceof BranchCatalog catalog) {
 *     for (BranchCatalog.Entry e : catalog.branches()) {
 *         System.out.println(e.name() + " " + e.kept().map(KeptBranch::owner).orElse(""));
 *     }
 *     BranchConnection c = catalog.connect("lbj_k3x9a1b_12_refund");
 * }
 * }</pre>
 *
 * <p>It reaches and drops only what the library created; never a parent, a user's database, or a branch a
 * live run still uses (a kept branch, whose run handed it over, excepted).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface BranchCatalog {

    /**
     * The branches the library created on this server or service: kept ones, developer branches, and those of
     * runs still going or dead; not the migrated bases and parents that runs keep for later runs.
     *
     * @return the branches, by name
     * @throws ProviderException when the server cannot be asked
     */
    List<Entry> branches();

    /**
     * How to connect to a kept branch (a developer branch included).
     *
     * @param name the branch's name
     * @return its connection details
     * @throws ProviderException when {@code name} is not a branch that the library kept
     */
    BranchConnection connect(String name);

    /**
     * Drops a kept branch, or a branch of a run that is no longer alive, ending its sessions.
     *
     * @param name the branch's name
     * @throws ProviderException when {@code name} is neither, or cannot be dropped
     */
    void drop(String name);

    /**
     * Whether the provider records with a branch why it is kept ({@link KeptBranch}): a PostgreSQL server does,
     * in the database's comment; a cloud service with no label on a branch does not, and then has no
     * developer branches (the command line's {@code create} and {@code refresh}), and its entries carry no
     * {@link Entry#kept()}, their kind alone saying that they are kept.
     *
     * <pre>{@code
     * if (!catalog.recordsWhyKept()) { ... refuse to make a developer branch ... }
     * }</pre>
     *
     * @return {@code true} by default
     */
    default boolean recordsWhyKept() {
        return true;
    }

    /**
     * One branch of the library.
     *
     * @param name its name
     * @param run the id of the run that created or kept it
     * @param kind {@code "kept"}, or {@code "branch"}: a test's, of a run still going or dead
     * @param kept why it is kept, when it is and the provider records it ({@link #recordsWhyKept()})
     * @param since when it was kept, when known
     * @param expires when it expires, when it does
     * @param bytes its size on disk, or -1 when unknown
     */
    record Entry(
            String name,
            String run,
            String kind,
            Optional<KeptBranch> kept,
            Optional<Instant> since,
            Optional<Instant> expires,
            long bytes) {}
}
