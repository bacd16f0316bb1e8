package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Optional;
import org.apiguardian.api.API;

/**
 * An optional capability of a {@link BranchProvider}: it renames the branches of its run. The library
 * forks branches ahead of time ({@code lakebase.prefetch}); with this capability a branch forked ahead
 * is recorded as a spare, and takes the name of the test it is handed to when it is claimed, so that
 * kept branches and logs name their test. Where the provider restores branches with their sessions open
 * ({@link RestorableBranches#restoresConnected}), a spare is connected ahead instead and never renamed: it is forked
 * as a test's branch ({@link BranchProvider#create} with {@link BranchProvider.Kind#BRANCH}), not with {@link
 * #createSpare}, and handed over under its own name without a {@link #claim} (one whose state could not be noted,
 * and so is not connected ahead, is still claimed and renamed). A provider without this capability hands spares over
 * under the name they were forked with.
 *
 * <pre>{@code
 * naming.createSpare("lbj_k3x9q2a_12", "lbj_k3x9q2a_base_1");
 * BranchConnection c = naming.claim("lbj_k3x9q2a_12", "lbj_k3x9q2a_12_deletes_everything");
 * }</pre>
 *
 * <p>Called from the library's prefetching thread and the tests' threads, concurrently, never twice for
 * one spare.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface RenamableSpares {

    /**
     * Forks a spare: a branch recorded as forked ahead of time, not yet handed to a test.
     *
     * @param name the spare's name, unique and valid for the provider
     * @param source the sealed base to fork it from
     * @return how to connect to it
     */
    BranchConnection createSpare(String name, String source);

    /**
     * Why no spare of {@code source} should be forked now (the disk is short, say), or empty when one may be.
     *
     * @param source a sealed base of this run
     * @return why not, for the log, or empty
     */
    default Optional<String> noRoomForSpare(String source) {
        return Optional.empty();
    }

    /**
     * Whether a fork of {@code source} is cheap enough to run beside another: a copy-on-write clone, or a copy of
     * a small base, where two forks at once compete little for the server's disk and cores. The library then forks
     * a base's first spare while its first test's branch is forked on demand, not after it, so that the second test
     * finds its branch ready sooner; where two copies at once would slow the first test's own fork (large bases on
     * plain copies), the default, {@code false}, keeps them one after the other.
     *
     * <pre>{@code
     * naming.forksCheaply("lbj_k3x9q2a_base_1");   // true for a 20 MB base on the embedded server
     * }</pre>
     *
     * @param source a sealed base of this run
     * @return whether its first spare may be forked beside its first test's branch
     */
    default boolean forksCheaply(String source) {
        return false;
    }

    /**
     * Renames a spare and records it as a test's branch, at once.
     *
     * @param spare a spare of this run
     * @param name its new name, unique and valid for the provider; the spare's own name to keep it
     * @return how to connect to it under its new name
     */
    BranchConnection claim(String spare, String name);

    /**
     * How this provider restores its branches in place, so that a branch a test ended with becomes a spare
     * again instead of being dropped ({@code lakebase.restore-in-place}). Asked once, when the library starts
     * using the provider.
     *
     * @return the restorer, or empty (the default) where the provider cannot restore branches
     */
    default Optional<RestorableBranches> restorable() {
        return Optional.empty();
    }
}
