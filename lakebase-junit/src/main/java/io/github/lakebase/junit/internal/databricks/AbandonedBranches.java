package io.github.lakebase.junit.internal.databricks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches whose creation failed, deleted in the background: a creation that timed out may still finish,
 * and the branch is the run's by its id. Each deletion is tried again with growing waits until the
 * service lets it, or until the branch would have expired anyway; what is left when the run ends is
 * deleted then.
 */
final class AbandonedBranches {

    private static final Logger LOG = LoggerFactory.getLogger(AbandonedBranches.class);

    private final LakebaseApi api;
    private final DatabricksSettings settings;
    private final ScheduledExecutorService background;
    private final Set<String> left = ConcurrentHashMap.newKeySet();

    AbandonedBranches(LakebaseApi api, DatabricksSettings settings, ScheduledExecutorService background) {
        this.api = api;
        this.settings = settings;
        this.background = background;
    }

    /** Deletes a branch whose creation failed, in the background. */
    void deleteLater(String id) {
        left.add(id);
        deleteLater(id, settings.pollInterval(), Instant.now().plus(settings.branchTtl()));
    }

    private void deleteLater(String id, Duration wait, Instant giveUp) {
        try {
            background.schedule(() -> attempt(id, wait, giveUp), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // the run is ending: deleteNow() deletes what is still left
        }
    }

    private void attempt(String id, Duration wait, Instant giveUp) {
        try {
            api.deleteBranch(id);
            left.remove(id);
        } catch (RuntimeException e) {
            Duration next = wait.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0
                    ? Duration.ofMinutes(1)
                    : wait.multipliedBy(2);
            if (Instant.now().plus(next).isBefore(giveUp)) {
                deleteLater(id, next, giveUp);
            } else {
                LOG.warn(
                        "Could not delete branch {}, whose creation failed ({}); it expires by itself",
                        id,
                        e.getMessage());
            }
        }
    }

    /** Deletes what is left, now; failures are logged. */
    void deleteNow() {
        for (String id : List.copyOf(left)) {
            try {
                api.deleteBranch(id);
                left.remove(id);
            } catch (RuntimeException e) {
                LOG.warn("Could not delete branch {}: {}", id, e.getMessage());
            }
        }
    }
}
