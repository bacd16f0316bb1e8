package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.spi.BaseCache;
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
     * Keeps one of the spares {@code left} (each with its base) of each kept base for the next run, which takes it as
     * its first branch of that base instead of forking one ({@link BaseCache#keepSpare}), where the provider has room
     * for a spare.
     *
     * @param left the spares no test took, each with its base
     * @param provider the provider they are on
     * @param cache where the provider keeps bases; empty where it keeps none
     * @return those not kept, to drop
     */
    static List<String> offer(Map<String, String> left, BranchProvider provider, Optional<BaseCache> cache) {
        List<String> drop = new ArrayList<>();
        Set<String> kept = new HashSet<>();
        left.forEach((spare, base) -> {
            boolean keep;
            try {
                keep = cache.isPresent()
                        && !kept.contains(base)
                        && !(provider instanceof RenamableSpares r
                                && r.noRoomForSpare(base).isPresent())
                        && cache.get().keepSpare(spare, base);
            } catch (RuntimeException e) {
                LOG.debug("Could not keep the spare {} of {}: {}", spare, base, e.getMessage());
                keep = false;
            }
            if (keep) {
                kept.add(base);
            } else {
                drop.add(spare);
            }
        });
        return drop;
    }
}
