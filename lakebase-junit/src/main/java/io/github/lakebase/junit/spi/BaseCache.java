package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Optional;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * Sealed bases and built parents kept from one run to the next, where the server's data outlives the
 * run (the embedded server on a persistent data directory): keyed by a fingerprint of what they are
 * made of, so that a run whose migrations and parents did not change forks from what an earlier run
 * built instead of building it again. A kept database belongs to no run, so no sweep drops it; it is
 * collected once newer builds replace it (a cache may keep more than one per slot: the embedded
 * provider keeps the two a slot used last, for a switch between two versions of a project's
 * migrations), or once no run has used it for a while, and never while a live run uses it.
 *
 * <pre>{@code
 * String base = cache.obtain(new BaseCache.Entry("base", fingerprint, slot), () -> buildBase());
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface BaseCache {

    /**
     * What to find or build.
     *
     * @param kind {@code base} or {@code parent}
     * @param content a fingerprint of what it is made of
     * @param slot what it is for, whatever its content (a parent's name; a parent and migration
     *     locations; the library adds the module's directory): newer builds of the same slot replace
     *     older ones
     */
    record Entry(String kind, String content, String slot) {}

    /**
     * The sealed database for {@code entry}: one kept by an earlier or concurrent run, else built now
     * by {@code build} and kept. Concurrent runs that need the same entry build it once: the others wait
     * for it. It is not collected while this run lives.
     *
     * @param entry what to find or build
     * @param build builds and seals the database under a name of this run, and returns that name
     * @return the name of the kept database
     * @throws ProviderException when the server cannot be asked, or {@code build} fails
     */
    String obtain(Entry entry, Supplier<String> build);

    /**
     * The database kept for {@code entry} by an earlier or concurrent run, if there is one, held for this run as
     * {@link #obtain} holds it; never builds. For what a run builds over a while of its own (a Spring context's
     * start-up migrations on a staged base), and hands to {@link #obtain} once it is sealed. The default cannot
     * tell, and finds nothing.
     *
     * <pre>{@code
     * Optional<String> kept = cache.find(new BaseCache.Entry("base", fingerprint, slot));
     * }</pre>
     *
     * @param entry what to find
     * @return the name of the kept database, or empty
     * @throws ProviderException when the server cannot be asked
     */
    default Optional<String> find(Entry entry) {
        return Optional.empty();
    }

    /**
     * As {@link #obtain}, but builds the database anew even when one is kept for {@code entry}, and keeps the
     * new one in its place: what a run with {@code lakebase.rebuild-bases=true} asks for, when something the
     * fingerprint cannot see has changed (a class in another jar that a Java migration calls, a file it reads).
     * A kept database that another live run uses is left to it, and used as it is. The default cannot replace
     * what it keeps, and obtains it.
     *
     * <pre>{@code
     * String base = cache.rebuild(new BaseCache.Entry("base", fingerprint, slot), () -> buildBase());
     * }</pre>
     *
     * @param entry what to build
     * @param build builds and seals the database under a name of this run, and returns that name
     * @return the name of the kept database
     * @throws ProviderException when the server cannot be asked, or {@code build} fails
     */
    default String rebuild(Entry entry, Supplier<String> build) {
        return obtain(entry, build);
    }

    /**
     * Keeps {@code spare} for a later run, which takes it as its first branch of {@code base} ({@link
     * #takeKeptSpare}) instead of forking one: a branch of this run that holds what {@code base} holds (its rows,
     * sequences, schema and settings: forked from it and never handed to a test, or restored in place since), that no
     * test holds, with no session.
     * The library offers one spare per kept base as a run ends, where the provider has room for a spare ({@link
     * RenamableSpares#noRoomForSpare}). A kept spare belongs to no run, so no sweep drops it; it goes with its base
     * when the base is collected or built again, and is never taken once its base has been built again. The default
     * keeps none.
     *
     * <pre>{@code
     * if (!cache.keepSpare("lbj_k3x9q2a_12", "lbj_base_03481d47facc1178")) {
     *     provider.delete("lbj_k3x9q2a_12");
     * }
     * }</pre>
     *
     * @param spare a spare of this run, as described
     * @param base the kept database it is a branch of, as {@link #obtain} or {@link #find} gave it
     * @return whether it was kept: it is then no longer this run's; when not (a spare of {@code base} is kept
     *     already, say), the caller drops it
     * @throws ProviderException when the server cannot be asked
     */
    default boolean keepSpare(String spare, String base) {
        return false;
    }

    /**
     * The spare an earlier run kept of {@code base} ({@link #keepSpare}), renamed to {@code name} and now a branch
     * of this run, as {@link BranchProvider#create} would have forked it: the first test of a warm run then waits
     * for a rename instead of a copy of the base. Empty when none is kept, when another run took it first, or when
     * it cannot be taken (a session is connected to it); the caller then forks. The default takes none.
     *
     * <pre>{@code
     * BranchConnection branch = cache.takeKeptSpare(base, name)
     *         .orElseGet(() -> provider.create(new BranchRequest(name, base, null, Kind.BRANCH)));
     * }</pre>
     *
     * @param base a kept database that this run uses, as {@link #obtain} or {@link #find} gave it
     * @param name the branch's name, unique and valid for the provider
     * @return how to connect to it, or empty
     * @throws ProviderException when the server cannot be asked
     */
    default Optional<BranchConnection> takeKeptSpare(String base, String name) {
        return Optional.empty();
    }
}
