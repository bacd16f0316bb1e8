package io.github.lakebase.junit.internal.cloud;

import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchConnection;
import java.util.List;

/**
 * A provider whose {@link BranchCatalog} lives in a class of its own: the provider implements this, names
 * its catalog, and every call goes there.
 *
 * <pre>{@code
 * final class NeonProvider implements BranchProvider, CatalogOf {
 *     public BranchCatalog catalog() { return catalog; }
 * }
 * }</pre>
 */
public interface CatalogOf extends BranchCatalog {

    /**
     * The catalog the calls go to.
     *
     * @return the provider's catalog
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
