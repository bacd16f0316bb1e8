package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.BaseCache;

/**
 * The slots of kept bases and parents: what a newer build replaces. One persistent data directory (the default,
 * per user) holds the kept bases of every project of its user, and most projects name their migrations alike (the
 * default {@code classpath:db/migration}) and their parents too; each module's builds replace only its own, so that
 * two projects, or two modules of one build, do not drop each other's kept bases at every build.
 *
 * <pre>{@code
 * BaseCache.Entry entry = KeptSlots.inModule(new BaseCache.Entry("base", fingerprint, "template1|classpath:db/migration"), config);
 * // slot "template1|classpath:db/migration|/home/alice/inventory/service"
 * }</pre>
 */
final class KeptSlots {

    private KeptSlots() {}

    /** {@code entry} in a slot of its module's own ({@link Configuration#moduleDirectory()}). */
    static BaseCache.Entry inModule(BaseCache.Entry entry, Configuration config) {
        return new BaseCache.Entry(entry.kind(), entry.content(), entry.slot() + "|" + config.moduleDirectory());
    }
}
