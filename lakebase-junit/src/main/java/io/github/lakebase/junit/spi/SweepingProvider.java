package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * An optional capability of a {@link BranchProvider}: it finds and deletes what runs that died (a
 * killed JVM, a cancelled CI job) left behind. The library sweeps once, when it creates the provider,
 * in a thread of its own beside the run's first forks, so that the sweep is off the run's start path; it
 * hands no branch or base to a test, and the provider to no tool, before the sweep has ended, and closes
 * the provider only after it.
 *
 * <pre>{@code
 * public List<String> sweep() {
 *     return listBranches().stream()
 *             .filter(b -> names.runOf(b).filter(run -> !isAlive(run)).isPresent())
 *             .peek(this::deleteBranch)
 *             .toList();
 * }
 * }</pre>
 *
 * <p>A sweep must prove a run dead before it deletes anything of it (a lock that no process holds, a
 * heartbeat that stopped), and must never delete a branch kept on purpose ({@link BranchProvider#keep}),
 * a kept base ({@link PersistentBases}) or anything whose name {@link BranchNames#runOf} does not
 * recognise.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface SweepingProvider {

    /**
     * Deletes branches that the library created in runs that are no longer alive, and nothing else.
     * Called once per provider, on a thread of its own, while the run's first branches and bases are
     * created ({@link BranchProvider#create} and the provider's other methods are called meanwhile): the
     * run's own branches are alive, and the sweep must leave them alone as it leaves another live run's.
     *
     * @return the names of the deleted branches
     * @throws ProviderException when the service cannot be asked; the library logs it, and the run goes on
     *     without the sweep
     */
    List<String> sweep();
}
