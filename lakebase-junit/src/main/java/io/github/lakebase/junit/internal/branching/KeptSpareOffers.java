package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.RenamableSpares;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run does with the spares no test took as it ends, where the provider keeps bases from one run to the next:
 * it offers one spare of each kept base to the provider's cache ({@link BaseCache#keepSpare}), which the next run
 * takes as its first branch of that base instead of forking one, and drops the others.
 *
 * <pre>{@code
 * List<String> drop = KeptSpareOffers.offer(prefetcher.stop(), provider, cache);
 * }</pre>
 */
final class KeptSpareOffers {

    private static final Logger LOG = LoggerFactory.getLogger(KeptSpareOffers.class);

    private KeptSpareOffers() {}

    /**
     * Keeps one of the spares {@code left} of each kept base for the next run, which takes it as its first branch of
     * that base instead of forking one ({@link BaseCache#keepSpare}), where the provider has room for a spare. A spare
     * that may have been lent to a test (one whose state was noted for restores) is first renamed and restored in place
     * once more ({@link Restoring#restore}): a thread its test left may still write to it by its name, and what it
     * wrote until then is undone, or the spare is not kept.
     *
     * @param left the spares no test took
     * @param provider the provider they are on
     * @param cache where the provider keeps bases; empty where it keeps none
     * @param restoring the restores of branches in place; null when that is off (no spare was lent to a test)
     * @param names the run's names
     * @return the spares not kept, to drop
     */
    static List<String> offer(
            Map<String, Spare.Left> left,
            BranchProvider provider,
            Optional<BaseCache> cache,
            Restoring restoring,
            BranchNames names) {
        List<String> drop = new ArrayList<>();
        Set<String> kept = new HashSet<>();
        left.forEach((spare, of) -> {
            String name = spare;
            try {
                if (cache.isEmpty()
                        || kept.contains(of.base())
                        || provider instanceof RenamableSpares r
                                && r.noRoomForSpare(of.base()).isPresent()) {
                    drop.add(spare);
                    return;
                }
                if (of.tracked() && restoring != null) {
                    String again = provider.normalizeName(names.branch(""));
                    Optional<BranchConnection> restored = restoring.restore(spare, again);
                    name = again; // renamed, whether or not it could be restored
                    if (restored.isEmpty()) {
                        drop.add(name);
                        return;
                    }
                }
                if (cache.get().keepSpare(name, of.base())) {
                    kept.add(of.base());
                    return;
                }
            } catch (RuntimeException e) {
                LOG.debug("Could not keep the spare {} of {}: {}", name, of.base(), e.getMessage());
            }
            drop.add(name);
        });
        return drop;
    }
}
