package io.github.lakebase.junit.providertests;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchNames;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import java.util.concurrent.atomic.AtomicInteger;
import org.apiguardian.api.API;

/**
 * One run of the provider suite: a provider, its context, and the steps the library takes with it,
 * named as the library names them.
 *
 * <pre>{@code
 * Run run = startRun();
 * BranchConnection branch = run.branch(run.base(), "isolated");
 * }</pre>
 *
 * @param provider the run's provider
 * @param context the run's configuration and identity
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Run(BranchProvider provider, ContractContext context) {

    /**
     * The run's names.
     *
     * @return names with the run's prefix and id
     */
    public BranchNames names() {
        return context.names();
    }

    /**
     * A new name for a test branch, as the library makes it and the provider accepts it.
     *
     * @param hint what the branch is for
     * @return the provider's form of the name
     */
    public String branchName(String hint) {
        return provider.normalizeName(names().branch(hint));
    }

    /**
     * Creates a branch as the library does.
     *
     * @param name a name from {@link #branchName}
     * @param source the branch to fork from
     * @param kind what it is for
     * @return how to connect to it
     */
    public BranchConnection create(String name, String source, Kind kind) {
        return provider.create(new BranchRequest(name, source, null, kind));
    }

    /**
     * A test branch forked from {@code base}.
     *
     * @param base a sealed base
     * @param hint what the branch is for
     * @return how to connect to it
     */
    public BranchConnection branch(String base, String hint) {
        return create(branchName(hint), base, Kind.BRANCH);
    }

    /**
     * A sealed base forked from the provider's default parent, holding the table {@code contract_item} with
     * two rows.
     *
     * @return the base's name
     */
    public String base() {
        String name = provider.normalizeName(names().base());
        BranchConnection base = provider.create(new BranchRequest(name, provider.defaultParent(), null, Kind.BASE));
        Rows.execute(
                base,
                "CREATE TABLE contract_item (id int PRIMARY KEY, label text NOT NULL); "
                        + "INSERT INTO contract_item VALUES (1, 'one'), (2, 'two')");
        provider.seal(name);
        return name;
    }

    /** {@link #base()}, counting the builds. */
    String builtBase(AtomicInteger builds) {
        builds.incrementAndGet();
        return base();
    }
}
