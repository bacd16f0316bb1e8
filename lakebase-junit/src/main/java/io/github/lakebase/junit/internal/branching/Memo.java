package io.github.lakebase.junit.internal.branching;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Builds each value once per key, however many threads ask at once: the first caller builds,
 * the others wait for its result. A failed build is remembered and reported to every later caller,
 * so that a broken migration fails fast instead of running again for each test.
 *
 * @param <K> the key
 * @param <V> the value
 */
final class Memo<K, V> {

    private final ConcurrentMap<K, CompletableFuture<V>> values = new ConcurrentHashMap<>();

    V get(K key, Function<K, V> build) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> existing = values.putIfAbsent(key, mine);
        if (existing == null) {
            try {
                mine.complete(build.apply(key));
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
            }
            existing = mine;
        }
        try {
            return existing.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** The values built successfully so far, in no particular order. */
    java.util.List<V> built() {
        return values.values().stream()
                .filter(f -> f.isDone() && !f.isCompletedExceptionally())
                .map(CompletableFuture::join)
                .toList();
    }
}
