package io.github.lakebase.junit.internal.inject;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * Whether a class's tests failed, for its per-class branches with {@code CleanupMode.ON_SUCCESS}: one
 * flag per class context, set by any failure in it or in a class nested in it.
 *
 * <pre>{@code
 * AtomicBoolean failed = FailureTracker.flag(classContext);
 * FailureTracker.noteFailure(testContext);    // sets the flags of every class around the test
 * }</pre>
 */
public final class FailureTracker {

    private static final Namespace NAMESPACE = Namespace.create(FailureTracker.class);

    private FailureTracker() {}

    /**
     * The failure flag of a class context, shared by all its branches: a second per-class branch (a named
     * static field) must not replace the flag the first one reads.
     */
    static AtomicBoolean flag(ExtensionContext classContext) {
        return classContext
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        new FailedKey(classContext.getUniqueId()), key -> new AtomicBoolean(), AtomicBoolean.class);
    }

    /** Remembers that {@code context} failed, in the flags of it and of the classes around it. */
    public static void noteFailure(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getTestMethod().isPresent()) {
                continue; // only class contexts hold a flag; a test's own store may be closed already
            }
            AtomicBoolean failed = c.getStore(NAMESPACE).get(new FailedKey(c.getUniqueId()), AtomicBoolean.class);
            if (failed != null) {
                failed.set(true);
            }
        }
    }

    private record FailedKey(String context) {}
}
