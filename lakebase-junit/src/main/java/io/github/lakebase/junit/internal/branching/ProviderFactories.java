package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.spi.BranchProviderFactory;
import io.github.lakebase.junit.spi.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The provider factories of {@code lakebase.provider}: those listed in {@code META-INF/services} of the
 * test's class loader, else of the library's own.
 *
 * <pre>{@code
 * BranchProviderFactory factory = ProviderFactories.find("embedded", Thread.currentThread().getContextClassLoader());
 * }</pre>
 */
public final class ProviderFactories {

    private ProviderFactories() {}

    /**
     * The factory for {@code lakebase.provider}.
     *
     * @throws ProviderException a configuration error listing the known providers, when none has that id
     */
    public static BranchProviderFactory find(String id, ClassLoader loader) {
        List<String> known = new ArrayList<>();
        for (BranchProviderFactory f : ServiceLoader.load(BranchProviderFactory.class, loader)) {
            if (f.id().equalsIgnoreCase(id)) {
                return f;
            }
            known.add(f.id());
        }
        if (!known.contains("embedded")) {
            for (BranchProviderFactory f :
                    ServiceLoader.load(BranchProviderFactory.class, ProviderFactories.class.getClassLoader())) {
                if (f.id().equalsIgnoreCase(id)) {
                    return f;
                }
                known.add(f.id());
            }
        }
        throw ProviderException.configuration("Unknown lakebase.provider '" + id + "'. Known providers: "
                + String.join(", ", known.stream().distinct().sorted().toList()) + ". A custom provider is a "
                + BranchProviderFactory.class.getName() + " listed in META-INF/services.");
    }
}
