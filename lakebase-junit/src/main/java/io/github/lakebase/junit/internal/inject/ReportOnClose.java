package io.github.lakebase.junit.internal.inject;

import io.github.lakebase.junit.internal.branching.BranchService;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.report.ReportWriter;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * Writes the run report when the test run ends: a resource in the store of the run's root context, which JUnit
 * closes once every test class is done (and so after the kept branches of their tests were kept). Registered by the
 * first branch of the run, with that test's configuration.
 *
 * <pre>{@code
 * ReportOnClose.register(context, config);
 * }</pre>
 */
final class ReportOnClose {

    private static final Namespace NAMESPACE = Namespace.create(ReportOnClose.class);

    private ReportOnClose() {}

    static void register(ExtensionContext context, Configuration config) {
        context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Writer.class, key -> new Writer(config), Writer.class);
    }

    /** Closeable both ways: JUnit 5.13 and later close {@link AutoCloseable} values, 5.10 to 5.12 only these. */
    @SuppressWarnings("deprecation")
    private static final class Writer implements ExtensionContext.Store.CloseableResource, AutoCloseable {

        private final Configuration config;

        Writer(Configuration config) {
            this.config = config;
        }

        @Override
        public void close() {
            BranchService.awaitRunEnd(); // the bases' reviews, which waited for the run's tests, are read first
            ReportWriter.of(config).ifPresent(ReportWriter::write);
        }
    }
}
