package io.github.lakebase.junit.spi.cloud;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchConnection;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A {@link BranchCatalog} kept in a class of its own: a provider whose catalog (listing, reaching and dropping
 * the branches of every run) is a separate class implements this instead of {@code BranchCatalog}, names its
 * catalog, and every call goes there. The command line finds the capability as it finds
 * {@code BranchCatalog}, with {@code provider instanceof BranchCatalog}.
 *
 * <pre>{@code
 * final class MyCloudProvider implements BranchProvider, CatalogOf {
 *     private final MyCloudCatalog catalog = new MyCloudCatalog(api);
 *
 *     public BranchCatalog catalog() { return catalog; }
 * }
 * }</pre>
 *
 * <p>Each call is the catalog's, with its exceptions ({@link io.github.lakebase.junit.spi.ProviderException})
 * and its threading: the catalog must be safe to call from any thread, as a {@code BranchCatalog} is.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface CatalogOf extends BranchCatalog {

    /**
     * The catalog the calls go to; the same one on every call.
     *
     * @return the provider's catalog, never {@code null}
     */
    BranchCatalog catalog();

    @Override
    default List<Entry> branches() {
        return catalog().branches();
    }

    @Override
    default BranchConnection connect(String name) {
        return catalog().connect(name);
    }

    @Override
    default void drop(String name) {
        catalog().drop(name);
    }

    @Override
    default boolean recordsWhyKept() {
        return catalog().recordsWhyKept();
    }
}
