package io.github.lakebase.junit;

/**
 * When a branch created by {@link LakebaseBranch} is destroyed. A destroyed branch of a test that changed
 * only rows may be put back to its base's state in place and serve a later test instead, under the same
 * name where its connections stay open ({@code lakebase.restore-in-place}): no later test sees what it
 * changed either way.
 *
 * <pre>{@code
 * @LakebaseBranch(cleanup = CleanupMode.ON_SUCCESS)   // keep the branch of a failed test to look at it
 * class MigrationTest { ... }
 * }</pre>
 */
public enum CleanupMode {

    /** Use the configured mode ({@code lakebase.cleanup}), which is {@link #ALWAYS} unless set. */
    DEFAULT,

    /** Destroy the branch after its scope, whatever the outcome. */
    ALWAYS,

    /**
     * Destroy the branch only when its scope succeeded; keep the branch of a failed test and log
     * how to connect to it (never the password).
     */
    ON_SUCCESS,

    /**
     * Never destroy the branch: it is marked as kept, left for inspection, and never swept; drop it
     * yourself when done. On the embedded provider it outlives the JVM only with a persistent
     * {@code lakebase.embedded.data-directory}.
     */
    NEVER
}
