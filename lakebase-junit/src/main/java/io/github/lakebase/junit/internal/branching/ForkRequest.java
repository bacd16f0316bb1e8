package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import java.time.Instant;
import java.util.List;

/**
 * What to fork: the one shape in which a test's declaration, a staged base and a command line ask the
 * branching service for a branch.
 *
 * <pre>{@code
 * ManagedBranch branch = BranchService.fork(config, ForkRequest.branch(spec, null, "deletes_everything", settings));
 * }</pre>
 *
 * @param base the parent and migrations of the base to fork from
 * @param asOf the point in time of the base's parent, or {@code null} for now
 * @param hint what the branch is for, part of its name
 * @param settings what happens when the branch ends
 * @param source a sealed base to fork from instead of {@code base}'s migrated base, or {@code null}
 * @param kind what the branch is for
 * @param unmigrated whether to fork from {@code base}'s parent as it is, with none of its migrations
 */
public record ForkRequest(
        BaseSpec base,
        Instant asOf,
        String hint,
        ManagedBranch.BranchSettings settings,
        String source,
        Kind kind,
        boolean unmigrated) {

    /**
     * A test branch.
     *
     * @param base the base it is forked from
     * @param asOf the point in time, or {@code null}
     * @param hint what it is for
     * @param settings its end
     * @param source a staged base to fork from instead, or {@code null}
     * @return the request
     */
    public static ForkRequest branch(
            BaseSpec base, Instant asOf, String hint, ManagedBranch.BranchSettings settings, String source) {
        return new ForkRequest(base, asOf, hint, settings, source, Kind.BRANCH, false);
    }

    /**
     * A base to stage further before it is sealed.
     *
     * @param base the base it is forked from
     * @param hint what it is for
     * @param settings its end
     * @return the request
     */
    public static ForkRequest stagedBase(BaseSpec base, String hint, ManagedBranch.BranchSettings settings) {
        return new ForkRequest(base, null, hint, settings, null, Kind.BASE, false);
    }

    /**
     * A base to stage further, forked from the parent as it is: none of the library's migrations.
     *
     * @param from the parent as written, empty for the default
     * @param hint what it is for
     * @param settings its end
     * @return the request
     */
    public static ForkRequest stagedParent(String from, String hint, ManagedBranch.BranchSettings settings) {
        return new ForkRequest(new BaseSpec(from, List.of()), null, hint, settings, null, Kind.BASE, true);
    }

    /**
     * This request, forked from {@code source} instead of its base.
     *
     * @param source a sealed base
     * @return the request
     */
    public ForkRequest from(String source) {
        return new ForkRequest(base, asOf, hint, settings, source, kind, unmigrated);
    }
}
