package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Optional;
import org.apiguardian.api.API;

/**
 * An optional capability of a {@link BranchProvider}: it keeps sealed bases and built parents from one
 * run to the next where its server's data outlives the run (the embedded server on a persistent data
 * directory), so that a run whose migrations did not change forks from what an earlier run built.
 *
 * <pre>{@code
 * final class MyProvider implements BranchProvider, PersistentBases {
 *     public Optional<BaseCache> baseCache() {
 *         return persistent ? Optional.of(cache) : Optional.empty();
 *     }
 * }
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface PersistentBases {

    /**
     * The cache of this provider's server. Asked when the library starts using the provider, by each part of the
     * library that uses it: the same cache each time.
     *
     * @return the cache, or empty where the server's data does not outlive the run
     */
    Optional<BaseCache> baseCache();
}
