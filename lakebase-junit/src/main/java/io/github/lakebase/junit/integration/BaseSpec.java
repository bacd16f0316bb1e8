package io.github.lakebase.junit.integration;

import java.util.List;

/**
 * What a base is made of, as a test declares it: the parent it is forked from and the migrations
 * applied to it. This is the static data that decides which base a test's branches come from, so it
 * is what a framework that caches something per base (a Spring application context) keys that cache
 * by.
 *
 * <pre>{@code
 * BaseSpec spec = TestBranches.declaredOn(InventoryTest.class).orElse(BaseSpec.DEFAULTS);
 * }</pre>
 *
 * @param from the parent as written, empty for the configured default ({@code lakebase.from}, else the
 *     provider's default parent)
 * @param migrations the migrations as written, empty for the configured default
 */
public record BaseSpec(String from, List<String> migrations) {

    /** The declaration of a class without one of its own: every default. */
    public static final BaseSpec DEFAULTS = new BaseSpec("", List.of());

    /**
     * Trims {@code from} and copies {@code migrations}.
     *
     * @param from the parent as written, empty for the configured default
     * @param migrations the migrations as written, empty for the configured default
     * @throws NullPointerException when either is {@code null}
     */
    public BaseSpec {
        from = from.trim();
        migrations = List.copyOf(migrations);
    }
}
