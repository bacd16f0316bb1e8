package io.github.lakebase.junit.internal.inject;

import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * Which tests each thread runs now, for components that reach the tests' branches without a JUnit
 * callback of their own. The extension enters a test (or class) on its thread as early as JUnit lets
 * it, and JUnit's closing of the test's store leaves it.
 *
 * <pre>{@code
 * RunningTests.enter(context);                       // in the extension's earliest callback
 * Optional<ExtensionContext> now = RunningTests.current();
 * }</pre>
 */
public final class RunningTests {

    private static final Namespace NAMESPACE = Namespace.create(RunningTests.class);
    /** Per thread, the contexts it runs, innermost first (JUnit may run another test while one waits). */
    private static final ThreadLocal<Deque<ExtensionContext>> ENTERED =
            ThreadLocal.withInitial(ConcurrentLinkedDeque::new);

    private RunningTests() {}

    /** Marks {@code context} as running on this thread until JUnit closes it; idempotent. */
    public static void enter(ExtensionContext context) {
        context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        new EnteredKey(context),
                        key -> {
                            Deque<ExtensionContext> entered = ENTERED.get();
                            entered.push(context);
                            return new Entered(entered, context);
                        },
                        Entered.class);
    }

    /** The innermost test or class that this thread runs with the extension. */
    static Optional<ExtensionContext> current() {
        return Optional.ofNullable(ENTERED.get().peek());
    }

    /**
     * The key of a context's entry, which a lookup from a test's context must not find in its class's store: the
     * context itself (JUnit's contexts are equal only to themselves). Its unique ID would do as well, but JUnit
     * formats that string anew at every call, twice per test here.
     */
    private record EnteredKey(ExtensionContext context) {}

    /** Leaves the context on the thread that entered it when JUnit closes it. */
    @SuppressWarnings("deprecation")
    private record Entered(Deque<ExtensionContext> entered, ExtensionContext context)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            entered.removeFirstOccurrence(context);
        }
    }
}
