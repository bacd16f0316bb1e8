package io.github.lakebase.junit.internal.neon;

import io.github.lakebase.junit.internal.neon.NeonApi.NeonBranch;
import io.github.lakebase.junit.spi.BranchNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the branches that runs of the library left behind when they died, and nothing else.
 *
 * <p>The proof of life is the heartbeat: a live run sets {@code expires_at} of each of its branches at least
 * every {@link #MAX_HEARTBEAT}, which updates the branch ({@code updated_at}). A branch is swept only when
 * all of this holds: its name is one the library gives, with this run's prefix; it belongs to another run;
 * it is neither protected nor the project's default branch; it has an expiry (the library never makes a
 * branch without one); nothing updated it for {@link #STALE_AFTER}, five missed heartbeats; its expiry
 * lies no further than {@link #KEPT_BEYOND} past that last update (a kept branch's lies days past it); and
 * no branch that stays was forked from it ("You cannot delete ... a branch that has a child branch").
 * Children go before their parents.
 */
final class NeonSweeper {

    private static final Logger LOG = LoggerFactory.getLogger(NeonSweeper.class);
    /** The longest time between two extensions of a live run's branches. */
    static final Duration MAX_HEARTBEAT = Duration.ofMinutes(2);
    /** How long a branch of a live run can go without an update: never this long. */
    static final Duration STALE_AFTER = MAX_HEARTBEAT.multipliedBy(5);
    /** Between the longest expiry of a branch in use and the shortest of a kept one. */
    static final Duration KEPT_BEYOND = Duration.ofHours(36);

    private final NeonApi api;
    private final BranchNames names;
    private final String currentRun;

    NeonSweeper(NeonApi api, BranchNames names, String currentRun) {
        this.api = api;
        this.names = names;
        this.currentRun = currentRun;
    }

    /** Deletes the branches of dead runs; returns their names. Failures are logged, never thrown. */
    List<String> sweep() {
        List<NeonBranch> all;
        try {
            all = new ArrayList<>(api.branches());
        } catch (RuntimeException e) {
            LOG.warn("Could not list the branches of the project to sweep those of dead runs: {}", e.getMessage());
            return List.of();
        }
        Instant now = Instant.now();
        Map<String, NeonBranch> dead = new LinkedHashMap<>();
        all.stream().filter(b -> abandoned(b, now)).forEach(b -> dead.put(b.id(), b));
        List<String> swept = new ArrayList<>();
        boolean progress = true;
        while (progress && !dead.isEmpty()) {
            progress = false;
            for (NeonBranch b : List.copyOf(dead.values())) {
                if (all.stream().anyMatch(c -> b.id().equals(c.parentId()))) {
                    continue;
                }
                dead.remove(b.id());
                progress = true;
                try {
                    api.deleteBranch(b.id());
                    swept.add(b.name());
                    all.removeIf(x -> x.id().equals(b.id()));
                } catch (RuntimeException e) {
                    LOG.warn("Could not sweep branch {} of a dead run: {}", b.name(), e.getMessage());
                }
            }
        }
        if (!swept.isEmpty()) {
            LOG.info("Swept {} branch(es) left by dead runs: {}", swept.size(), swept);
        }
        return swept;
    }

    /** Whether a branch name is one the library gives, with this run's prefix. */
    boolean library(String name) {
        return names.runOf(name).isPresent();
    }

    /** Whether a branch is the library's, of a run that is provably dead, and not kept. */
    boolean abandoned(NeonBranch b, Instant now) {
        Optional<String> run = names.runOf(b.name());
        if (run.isEmpty()
                || run.get().equals(currentRun)
                || b.isProtected()
                || b.isDefault()
                || b.expiresAt() == null) {
            return false;
        }
        Instant touched =
                b.updatedAt() != null && (b.createdAt() == null || b.updatedAt().isAfter(b.createdAt()))
                        ? b.updatedAt()
                        : b.createdAt();
        return touched != null
                && touched.plus(STALE_AFTER).isBefore(now)
                && !b.expiresAt().isAfter(touched.plus(KEPT_BEYOND));
    }
}
