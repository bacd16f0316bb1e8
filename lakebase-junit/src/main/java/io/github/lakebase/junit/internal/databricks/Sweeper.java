package io.github.lakebase.junit.internal.databricks;

import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.BranchStatus;
import com.databricks.sdk.service.postgres.BranchStatusState;
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
 * <p>The proof of life is the heartbeat: a live run extends the expiry of each of its branches at
 * least every {@link #MAX_HEARTBEAT}, which updates the branch. A branch is swept only when all of this
 * holds: its id has the form of the library's ids with this run's prefix; it belongs to another run;
 * it is neither protected nor the project's default branch; it has an expiry (the library never makes
 * a branch without one); nothing updated it for {@link #STALE_AFTER}, five missed heartbeats; its
 * expiry lies no further than {@link #KEPT_BEYOND} past that last update (a kept branch's lies days
 * past it); and no other branch that stays was forked from it. Children go before their parents.
 */
final class Sweeper {

    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);
    /** The longest time between two extensions of a live run's branches. */
    static final Duration MAX_HEARTBEAT = Duration.ofMinutes(2);
    /** How long a branch of a live run can go without an update: never this long. */
    static final Duration STALE_AFTER = MAX_HEARTBEAT.multipliedBy(5);
    /**
     * Between the longest expiry of a branch in use ({@link DatabricksSettings#MAX_BRANCH_TTL}) and the
     * shortest of a kept one ({@link DatabricksSettings#MIN_KEPT_TTL}).
     */
    static final Duration KEPT_BEYOND = Duration.ofHours(36);

    private final LakebaseApi api;
    private final BranchIds ids;
    private final String currentRun;

    Sweeper(LakebaseApi api, BranchIds ids, String currentRun) {
        this.api = api;
        this.ids = ids;
        this.currentRun = currentRun;
    }

    /** Deletes the branches of dead runs; returns their ids. Failures are logged, never thrown. */
    List<String> sweep() {
        List<Branch> all;
        try {
            all = api.branches();
        } catch (RuntimeException e) {
            LOG.warn("Could not list the branches of the project to sweep those of dead runs: {}", e.getMessage());
            return List.of();
        }
        Instant now = Instant.now();
        Map<String, Branch> dead = new LinkedHashMap<>();
        for (Branch b : all) {
            if (abandoned(b, now)) {
                dead.put(name(b), b);
            }
        }
        List<String> swept = new ArrayList<>();
        boolean progress = true;
        while (progress && !dead.isEmpty()) {
            progress = false;
            for (Branch b : List.copyOf(dead.values())) {
                if (hasChild(b, all)) {
                    continue;
                }
                dead.remove(name(b));
                progress = true;
                try {
                    api.deleteBranch(b.getBranchId());
                    swept.add(b.getBranchId());
                    all = all.stream().filter(x -> !name(x).equals(name(b))).toList();
                } catch (RuntimeException e) {
                    LOG.warn("Could not sweep branch {} of a dead run: {}", b.getBranchId(), e.getMessage());
                }
            }
        }
        if (!dead.isEmpty()) {
            LOG.info(
                    "Left {} branch(es) of dead runs that other branches were forked from: {}",
                    dead.size(),
                    dead.values().stream().map(Branch::getBranchId).toList());
        }
        if (!swept.isEmpty()) {
            LOG.info("Swept {} branch(es) left by dead runs: {}", swept.size(), swept);
        }
        return swept;
    }

    /** Whether an id has the form of the library's ids with this run's prefix. */
    boolean library(String id) {
        return id != null && ids.run(id).isPresent();
    }

    /** Whether a branch is the library's, of a run that is provably dead, and not kept. */
    boolean abandoned(Branch b, Instant now) {
        Optional<String> run = Optional.ofNullable(b.getBranchId()).flatMap(ids::run);
        BranchStatus status = b.getStatus();
        if (run.isEmpty() || run.get().equals(currentRun) || status == null) {
            return false;
        }
        boolean isProtected = Boolean.TRUE.equals(status.getIsProtected())
                || (b.getSpec() != null && Boolean.TRUE.equals(b.getSpec().getIsProtected()));
        Instant expiry = LakebaseApi.instant(status.getExpireTime());
        Instant touched = latest(LakebaseApi.instant(b.getCreateTime()), LakebaseApi.instant(b.getUpdateTime()));
        if (isProtected
                || Boolean.TRUE.equals(status.getDefault())
                || expiry == null
                || touched == null
                || status.getCurrentState() == BranchStatusState.DELETED) {
            return false;
        }
        return touched.plus(STALE_AFTER).isBefore(now) && !expiry.isAfter(touched.plus(KEPT_BEYOND));
    }

    /** Whether a branch still in the project was forked from {@code parent}: it must go first, if at all. */
    private static boolean hasChild(Branch parent, List<Branch> all) {
        String name = name(parent);
        return all.stream()
                .anyMatch(
                        b -> b.getStatus() != null && name.equals(b.getStatus().getSourceBranch()));
    }

    private static String name(Branch b) {
        return b.getName() != null ? b.getName() : String.valueOf(b.getBranchId());
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
