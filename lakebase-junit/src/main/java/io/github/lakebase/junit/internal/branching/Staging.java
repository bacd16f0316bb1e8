package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.integration.StartupWork;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.BaseCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A base an integration stages (a Spring context's start-up runs on it): the branch it prepares, whether it was
 * forked from a base an earlier run kept after the same {@link StartupWork}, and what sealing it does besides
 * making it a template: keep a copy for later runs where the provider keeps bases, and tell the base listeners.
 *
 * <pre>{@code
 * Staging staging = BranchService.stage(config, ForkRequest.stagedParent("", "spring_context", settings), work);
 * migrate(staging.branch().dataSource());
 * staging.seal();
 * }</pre>
 */
public final class Staging {

    private static final Logger LOG = LoggerFactory.getLogger(Staging.class);

    private final Bases bases;
    private final ManagedBranch branch;
    private final String parentName;
    private final List<String> migrations;
    private final Optional<BaseCache.Entry> entry;
    private final boolean reused;
    private final Configuration config;
    private final long start = System.nanoTime();
    private boolean sealed;

    /**
     * @param bases where a copy is kept
     * @param branch the staged base
     * @param request what it was forked for
     * @param work what the integration runs on it, or {@code null}
     * @param entry what it is kept as for later runs, if it can be kept
     * @param reused whether it was forked from a base an earlier run kept
     * @param config the configuration of the test that asked
     */
    Staging(
            Bases bases,
            ManagedBranch branch,
            ForkRequest request,
            StartupWork work,
            Optional<BaseCache.Entry> entry,
            boolean reused,
            Configuration config) {
        this.bases = bases;
        this.branch = branch;
        this.parentName = branch.parent();
        List<String> steps = new ArrayList<>(
                request.unmigrated() ? List.of() : request.base().migrations());
        steps.addAll(work == null ? List.of("the start-up of " + request.hint()) : work.steps());
        this.migrations = List.copyOf(steps);
        this.entry = entry;
        this.reused = reused;
        this.config = config;
    }

    /** The staged base, usable until it is sealed. */
    public ManagedBranch branch() {
        return branch;
    }

    /** Whether it was forked from a base an earlier run kept after the same work: the work is done. */
    public boolean reused() {
        return reused;
    }

    /**
     * Makes the base a template; keeps a copy of it for later runs when it was built now and can be kept; tells the
     * base listeners. Later calls do nothing.
     */
    public void seal() {
        synchronized (this) {
            if (sealed) {
                return;
            }
            sealed = true;
        }
        branch.seal();
        Duration built = reused ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
        if (!reused && entry.isPresent()) {
            try {
                String kept = bases.keepCopy(entry.get(), branch.name(), config);
                LOG.info("Kept staged base {} as {} for later runs: {}", branch.name(), kept, migrations);
            } catch (RuntimeException e) {
                LOG.warn(
                        "Could not keep staged base {} for later runs ({}); the next run builds it again",
                        branch.name(),
                        e.getMessage());
            }
        }
        BaseEvents.publish(new BaseEvent(
                branch.name(),
                parentName,
                migrations,
                0,
                reused,
                built,
                List.of(),
                "",
                Optional.of("Migrated by " + String.join(", ", migrations) + " as the application started ("
                        + (reused ? "on a fork of the base an earlier run kept" : "built in this run")
                        + "): the migrations and the schema diff of a staged base are not read.")));
    }
}
