package io.github.lakebase.junit.internal.databricks;

import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.cloud.Expiries;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches kept on purpose, and the branches they were forked from. A kept branch gets the longest expiry
 * up to {@code lakebase.kept-ttl} that the workspace accepts (a workspace policy may cap how long a branch
 * lives, and refuses a longer {@code BranchSpec.expire_time} with 400 INVALID_PARAMETER_VALUE). Its source
 * gets at least the same expiry, since an expired source would leave the kept branch's
 * {@code source_branch} pointing at nothing; such sources are neither extended by the heartbeat (which
 * would shorten their expiry) nor deleted when the run ends.
 */
final class KeptBranches {

    private static final Logger LOG = LoggerFactory.getLogger(KeptBranches.class);

    private final LakebaseApi api;
    private final DatabricksSettings settings;
    /** Kept branches and the sources they need, with their expiry. */
    private final Map<String, Instant> until = new ConcurrentHashMap<>();
    /** Branches about to be kept. */
    private final java.util.Set<String> reserved = ConcurrentHashMap.newKeySet();

    KeptBranches(LakebaseApi api, DatabricksSettings settings) {
        this.api = api;
        this.settings = settings;
    }

    /**
     * Gives {@code id} the longest expiry up to {@code lakebase.kept-ttl} that the workspace accepts, and
     * each of {@code sources} at least as long an expiry.
     *
     * @return the kept branch's expiry, or empty when the workspace refused every expiry longer than
     *     {@code branch-ttl}
     */
    Optional<Instant> keep(String id, List<String> sources) {
        Instant start = Instant.now();
        Optional<Duration> longest = Expiries.longestAccepted(
                settings.keptTtl(), settings.branchTtl(), d -> api.trySetExpiry(id, start.plus(d)));
        if (longest.isEmpty()) {
            return Optional.empty();
        }
        Duration accepted = longest.get();
        Instant expiry = start.plus(accepted);
        until.put(id, expiry);
        if (!accepted.equals(settings.keptTtl())) {
            LOG.warn(
                    "The workspace refused an expiry of {} for kept branch {} ({}): it expires at {}, close to the "
                            + "longest the workspace allows{}",
                    ProviderContext.formatDuration(settings.keptTtl()),
                    id,
                    io.github.lakebase.junit.spi.ProviderContext.KEPT_TTL,
                    expiry,
                    accepted.compareTo(Sweeper.KEPT_BEYOND) <= 0
                            ? "; a later run's sweep may take it for a dead run's branch"
                            : "");
        }
        for (String source : sources) {
            keepSource(source, expiry);
        }
        return Optional.of(expiry);
    }

    private void keepSource(String source, Instant expiry) {
        Instant later = until.merge(source, expiry, (a, b) -> a.isAfter(b) ? a : b);
        if (later.equals(expiry) && !api.trySetExpiry(source, expiry)) {
            LOG.warn(
                    "Could not give branch {}, which kept branches were forked from, the expiry {}: it may expire "
                            + "before them",
                    source,
                    expiry);
        }
    }

    /**
     * Marks a branch as about to be kept, before its expiry changes: the heartbeat leaves it alone from now
     * on, so that it never shortens the expiry given here.
     */
    void reserve(String id) {
        reserved.add(id);
    }

    /** Undoes {@link #reserve} for a branch that could not be kept longer than the heartbeat keeps it. */
    void release(String id) {
        reserved.remove(id);
    }

    /** Whether a branch is kept, or is the source of a kept branch: no heartbeat, no deletion. */
    boolean contains(String id) {
        return until.containsKey(id) || reserved.contains(id);
    }

    /** The expiry of a kept branch or source. */
    Optional<Instant> until(String id) {
        return Optional.ofNullable(until.get(id));
    }
}
