package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What a provider with {@link RenamableSpares} offers through {@link RenamableSpares#restorable()}: it puts
 * a branch whose test has ended back to the state of the base it was forked from, in place, so that a later
 * test can take it instead of a new fork ({@code lakebase.restore-in-place}). Worth it where a fork costs
 * a copy of the base and a restore costs only the rows a test changed: a PostgreSQL server without
 * reflinks, a large base.
 *
 * <p>A restore must give exactly what a new fork would: the same rows, sequences, schema and settings.
 * Where it cannot be sure of that (the test changed the schema, say), {@link #restore} says so and the
 * library drops the branch and forks a new one, as without this capability.
 *
 * <pre>{@code
 * RestorableBranches restorable = naming.restorable().orElseThrow();
 * restorable.track("lbj_k3x9q2a_12", "lbj_k3x9q2a_base_1");   // a spare, forked just now
 * naming.claim("lbj_k3x9q2a_12", "lbj_k3x9q2a_12_deletes_everything");
 * // ... the test runs, and its connections are closed ...
 * Optional<BranchConnection> again = restorable.restore("lbj_k3x9q2a_12_deletes_everything", "lbj_k3x9q2a_13");
 * }</pre>
 *
 * <p>Called from the library's prefetching threads, concurrently for different branches, never twice at
 * once for one branch.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface RestorableBranches {

    /**
     * Why branches cannot be restored in place on this provider's server (its version, its privileges), for
     * the log, or empty when they can.
     *
     * @return why not, or empty
     */
    default Optional<String> cannotRestore() {
        return Optional.empty();
    }

    /**
     * Notes the state of {@code name}, a branch forked from {@code base} just now and not yet handed to a
     * test, as the state to restore it to.
     *
     * @param name a spare of this run, as {@link RenamableSpares#createSpare} made it, or as {@link
     *     BranchProvider#create} made it where it is to be connected ahead
     * @param base the sealed base it was forked from
     * @throws ProviderException when the branch cannot be read; the library then drops it
     */
    void track(String name, String base);

    /**
     * Notes the state of {@code name}, a branch forked from {@code base} just now for a test that waits for
     * it, if the provider knows that state without reading the branch (every new fork of a base it has read
     * before is alike), so that it can be restored too.
     *
     * @param name a branch of this run, forked just now
     * @param base the sealed base it was forked from
     * @return whether it was noted; the default notes nothing
     */
    default boolean trackFork(String name, String base) {
        return false;
    }

    /**
     * Whether the next new fork of {@code base} that no test waits for (a spare) should be read with {@link #track}
     * rather than noted with {@link #trackFork}: the provider wants something of the base that only a read of a new
     * fork gives, such as the rows of a table a test changed for the first time. A fork for a test that waits is
     * still noted with {@link #trackFork}.
     *
     * <pre>{@code
     * boolean noted = !restorable.wantsRead(base) && restorable.trackFork(spare, base);
     * if (!noted) {
     *     restorable.track(spare, base);
     * }
     * }</pre>
     *
     * @param base the sealed base the fork is of
     * @return whether to read it; the default never asks
     * @since 0.1
     */
    default boolean wantsRead(String base) {
        return false;
    }

    /**
     * Renames {@code name}, a tracked branch whose test has ended, to {@code spare}, ends the sessions still
     * connected to it, and puts it back to the state {@link #track} noted, keeping the name {@code spare}.
     *
     * @param name the branch, under the name of the test that had it
     * @param spare its new name, unique and valid for the provider
     * @return how to connect to it under its new name; empty when it carries that name but cannot be put back
     *     in place (what its test changed is beyond a restore of rows), and must be dropped
     * @throws ProviderException when it cannot even be renamed: it still has the name {@code name}
     */
    Optional<BranchConnection> restore(String name, String spare);

    /**
     * Puts {@code name}, a tracked branch whose test has ended, back to the state {@link #track} noted while
     * {@code sessions}, the connections the library's pool holds to it, stay open for the test that takes it
     * next: it keeps its name, and each session is left as a new one would be (its settings, temporary tables,
     * locks, prepared statements and listened channels gone; {@code DISCARD ALL}), with its server process and
     * caches warm. The provider must make sure first that every other session has ended and that what these
     * sessions wrote is counted; where it cannot, it returns why, and the library ends the pool and calls
     * {@link #restore}.
     *
     * <pre>{@code
     * Optional<String> why = restorable.restoreConnected("lbj_k3x9q2a_12_deletes_everything", connections);
     * }</pre>
     *
     * @param name the branch, under the name it keeps
     * @param sessions every connection the library holds to it, at least one, none in use by anyone else, in
     *     auto-commit; the provider may run statements on them and leaves them open
     * @return empty once restored; else why not, and then the branch is either untouched or no longer tracked
     *     (which {@link #restore} answers with empty: it is dropped); the default restores nothing this way
     */
    default Optional<String> restoreConnected(String name, List<Connection> sessions) {
        return Optional.of("this provider restores a branch only once its sessions have ended");
    }

    /**
     * Readies {@code session}, the first connection of the library's pool to the new spare {@code name}, opened
     * ahead of the test that takes the spare, for the restores it will serve ({@link #restoreConnected}): whatever a
     * restore prepares on a session, or what the server caches per session, done now, in the background, rather than
     * at the spare's first restore, which the next test may be waiting for. A new PostgreSQL session's first read of
     * the catalogs and the statistics took about 18 ms more than later ones on a 2-core machine. It must change
     * nothing a test could see but what any restore leaves on a session.
     *
     * <pre>{@code
     * restorable.prepareSession("lbj_k3x9q2a_13", connection);
     * }</pre>
     *
     * @param name the spare, tracked ({@link #track} or {@link #trackFork})
     * @param session a connection to it in auto-commit, in use by no one else; the provider leaves it open
     * @throws SQLException when a statement on it fails; the library then goes on without it, and the spare's first
     *     restore prepares what it needs
     */
    default void prepareSession(String name, Connection session) throws SQLException {
        // nothing to ready by default
    }

    /**
     * Whether {@link #restoreConnected} restores branches: then the library also connects to a new spare ahead
     * of the test that takes it, and hands it over under the name it was forked with, since a rename would end
     * that session ({@link RenamableSpares}).
     *
     * @return false, the default: spares hold no session, and take the name of the test that claims them
     */
    default boolean restoresConnected() {
        return false;
    }
}
