package io.github.lakebase.junit.internal.branching;

/**
 * A base built by {@link BranchService#base(io.github.lakebase.junit.internal.config.Configuration,
 * io.github.lakebase.junit.integration.BaseSpec)}, for tools outside tests that fork from it.
 *
 * @param base the sealed base to fork from
 * @param parent the parent it was built on
 */
public record Based(String base, String parent) {}
