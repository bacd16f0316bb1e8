package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Where branches come from: creates, seals, resets and deletes copy-on-write branches on one
 * server or service. One instance serves a whole test run and is closed at its end.
 *
 * <p>The library drives a provider in three steps: it forks a <em>base</em> from the parent
 * ({@link #create}), applies the migrations to it and {@linkplain #seal seals} it, then forks every
 * test branch from that base. A provider only ever deletes or resets what {@link #create} made in
 * this run or, in {@link SweepingProvider#sweep()}, in a run that is provably dead.
 *
 * <pre>{@code
 * public final class MyProviderFactory implements BranchProviderFactory {
 *     public String id() { return "my-cloud"; }
 *     public BranchProvider create(ProviderContext context) { return new MyProvider(context); }
 * }
 * // registered in META-INF/services/io.github.lakebase.junit.spi.BranchProviderFactory
 * }</pre>
 *
 * <p><b>Threads.</b> One instance serves every test of the run: {@link #create}, {@link #delete},
 * {@link #reset}, {@link #keep}, {@link #requireTestBranch}, {@link #ownBranches} and
 * {@link #openSessions} are called concurrently, from the threads that run tests (in parallel when
 * JUnit runs them so) and from the library's prefetching thread; an implementation must be
 * thread-safe. The library never calls two of them for one branch at once, and calls
 * {@link #close()} once, after every other call has returned.
 *
 * <p><b>Errors.</b> Every method reports a failure with {@link ProviderException}: a configuration
 * error ({@link ProviderException#configuration}) fails the test with JUnit's configuration error and
 * the message as it is; any other makes the library ask {@link #isAlive()}, and replace a dead
 * provider.
 *
 * <p><b>Optional capabilities</b> are small interfaces the provider also implements, found with
 * {@code instanceof}: {@link PointInTimeBranching}, {@link RenamableSpares}, {@link PersistentBases},
 * {@link SweepingProvider} and {@link BranchCatalog}. Branch names come from {@link ProviderContext#names()}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface BranchProvider extends AutoCloseable {

    /**
     * The parent used when neither the annotation nor {@code lakebase.from} names one.
     *
     * @return the default parent branch
     */
    String defaultParent();

    /**
     * The provider's name of an existing parent branch, or empty when there is none of that name.
     * Parents that the library builds from scripts ({@code lakebase.parents}) are not asked for.
     *
     * @param parent the parent's name, as the user wrote it
     * @return the name to fork from, or empty when unknown
     */
    Optional<String> resolveParent(String parent);

    /**
     * The parents this provider knows, for the message that reports an unknown one.
     *
     * @return parent names, the default first
     */
    List<String> knownParents();

    /**
     * Makes a name produced by the library valid for this provider (for example, only lowercase
     * letters, digits and hyphens), keeping it unique. The default keeps names as they are.
     *
     * @param name a name made of lowercase letters, digits and underscores
     * @return the name to use
     */
    default String normalizeName(String name) {
        return name;
    }

    /**
     * Forks a new branch. Must be idempotent by {@link BranchRequest#name()} where the service can
     * fail on the client and still succeed on the server.
     *
     * @param request what to create
     * @return how to connect to the new branch
     * @throws ProviderException when the branch cannot be created; nothing is left behind
     */
    BranchConnection create(BranchRequest request);

    /**
     * Makes a migrated base read-only for forking (on PostgreSQL: a template that accepts no
     * connections). Called once, after the migrations.
     *
     * @param name a branch created by this provider
     */
    default void seal(String name) {}

    /**
     * Brings a branch back to the state of {@code source}, keeping its name and connection details.
     *
     * @param name a branch created by this provider in this run
     * @param source the branch it was forked from
     * @throws ProviderException when {@code name} is not this run's, or the reset fails
     */
    void reset(String name, String source);

    /**
     * Deletes a branch created by this provider in this run. Refuses anything else. A provider whose
     * kept branches need the branches they were forked from (a cloud branch cannot outlive its parent)
     * leaves a kept branch and its ancestors in place, and returns: the library deletes every base and
     * parent of its run at the end, kept or not.
     *
     * @param name the branch to delete
     * @throws ProviderException when {@code name} is not this run's, or the deletion fails
     */
    void delete(String name);

    /**
     * Records that a branch of this run is kept on purpose ({@link io.github.lakebase.junit.CleanupMode}),
     * so that later sweeps leave it alone, together with whatever it needs (the base it was forked from,
     * where the service needs that). A provider whose branches expire gives a kept branch the expiry of
     * {@link ProviderContext#KEPT_TTL}, capped by what the service allows, and says when it expires. The
     * default does nothing and says the branch stays until someone drops it.
     *
     * <pre>{@code
     * Optional<Instant> until = provider.keep(name);   // empty: it stays until dropped
     * }</pre>
     *
     * @param name a branch created by this provider in this run
     * @return when the kept branch expires, or empty when it stays until someone drops it
     */
    default Optional<Instant> keep(String name) {
        return Optional.empty();
    }

    /**
     * Keeps a branch as {@link #keep(String)} does, and records why, for whoever looks at it later (a
     * {@link BranchCatalog}): a branch kept for a failed test ({@link KeptBranch.Reason#FAILED}) expires
     * after {@link ProviderContext#KEPT_TTL} on every provider, and a later run's sweep drops it then; one
     * kept by {@code NEVER} or for a developer is never swept. The default calls {@link #keep(String)}.
     *
     * <pre>{@code
     * Optional<Instant> until = provider.keep(name, new KeptBranch(Reason.FAILED, "OrderTests#refund", "", List.of()));
     * }</pre>
     *
     * @param name a branch created by this provider in this run
     * @param kept why it is kept
     * @return when the kept branch expires, or empty when it stays until someone drops it
     */
    default Optional<Instant> keep(String name, KeptBranch kept) {
        return keep(name);
    }

    /**
     * Whether the branches this provider keeps outlive the JVM: {@code false} where the server dies with it
     * (a Testcontainers container, the embedded server's temporary data directory). Then the library does
     * not delete the spares, bases and parents of its run one by one at the end, which would only delay the
     * JVM's exit, and closes this provider after those whose servers outlive the JVM (which may use its
     * server). The default is {@code true}.
     *
     * @return {@code false} when a kept branch goes when the JVM exits
     */
    default boolean keepsBranchesAfterExit() {
        return true;
    }

    /**
     * Fails unless {@code connection} is connected to {@code name}, a test branch that this provider
     * created in this run and has not deleted. Tools that damage data on purpose (such as
     * {@code io.github.lakebase.junit.tools.Corruption}) ask before they write, through the connection
     * they write with, so that they never touch a parent, a base, a branch of another run or a
     * database the library did not create. The library only asks about branches it handed to a test.
     * The default checks {@link #ownBranches()}; providers that can also check the server side should.
     *
     * <pre>{@code
     * try (Connection c = open(name)) {
     *     provider.requireTestBranch(name, c);   // throws before anything is written
     *     damage(c);
     * }
     * }</pre>
     *
     * @param name the name of a branch handed to a test
     * @param connection a connection opened to that branch
     * @throws ProviderException when {@code name} is not a live test branch of this run, or
     *     {@code connection} leads elsewhere
     */
    default void requireTestBranch(String name, Connection connection) {
        if (!ownBranches().contains(name)) {
            throw new ProviderException(
                    "Refusing to modify '" + name + "': it is not a branch that " + describe()
                            + " created for a test in this run.",
                    null);
        }
    }

    /**
     * Names of the branches this provider created in this run and has not deleted yet.
     *
     * @return branch names
     */
    List<String> ownBranches();

    /**
     * The sessions still connected to a branch, described for a report about leaked connections
     * (for example {@code "idle in transaction"}); the library's own pool is closed before it asks.
     * The default reports none.
     *
     * @param name a branch created by this provider in this run
     * @return one entry per open session, empty when there is none
     */
    default List<String> openSessions(String name) {
        return List.of();
    }

    /**
     * How many branches the library forks ahead, for each base, when {@code lakebase.prefetch} is not
     * set. A branch forked ahead lives until a test takes it or the run ends: worth it where a branch is
     * a database on the run's own server, not where branches count against a quota or are billed. The
     * default is 0: none.
     *
     * <pre>{@code
     * public int defaultPrefetch() { return 2; }   // a branch costs disk space, and little of it
     * }</pre>
     *
     * @return how many branches to fork ahead per base, 0 to 16
     */
    default int defaultPrefetch() {
        return 0;
    }

    /**
     * How many connections the branches of this run may hold at once, all branches together; tests
     * wait for a connection beyond it instead of failing with "too many clients". The default is no
     * limit.
     *
     * @return the limit, or {@link Integer#MAX_VALUE}
     */
    default int connectionLimit() {
        return Integer.MAX_VALUE;
    }

    /**
     * Whether the server or service still answers. Asked after a failure, to tell a broken test from
     * a dead server; a dead provider is replaced by a new one for the tests that follow.
     *
     * @return {@code false} when the provider can no longer create branches
     */
    default boolean isAlive() {
        return true;
    }

    /**
     * Whether the server is known to have stopped, as far as the provider can tell at once, without a round trip to
     * it: a server process of the provider's own that has exited, say. Asked on a test's path before it gets a
     * branch made ready earlier that nothing has asked the server about since (a spare restored with its
     * connections open). {@code true} keeps the library from lending that branch: it forks a new one instead, and when
     * that fails, asks {@link #isAlive()} and replaces a dead provider, as after any failure. It must return at once.
     *
     * <pre>{@code
     * public boolean isStopped() { return !postmaster.isAlive(); }   // a Process this provider started
     * }</pre>
     *
     * @return {@code true} when the server has surely stopped; the default, {@code false}, says the provider
     *     cannot tell without asking it
     */
    default boolean isStopped() {
        return false;
    }

    /**
     * A description for logs, without secrets, for example {@code "embedded PostgreSQL 18.1 on
     * 127.0.0.1:54321"}.
     *
     * @return a description
     */
    String describe();

    /** Releases the provider's resources; branches that were kept stay. */
    @Override
    void close();

    /**
     * A request to fork a branch.
     *
     * @param name the new branch's name, already unique and valid for the provider
     * @param source the branch to fork from (a prepared parent or a sealed base)
     * @param asOf the point in time of {@code source} to fork, or {@code null} for now
     * @param kind what the branch is for, recorded with it
     */
    record BranchRequest(String name, String source, Instant asOf, Kind kind) {}

    /** What a branch created by the library is for. */
    enum Kind {
        /** A parent built by the library from scripts or an initializer. */
        PARENT,
        /** A migrated base that test branches are forked from. */
        BASE,
        /** A branch handed to a test. */
        BRANCH
    }
}
