package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Branches are dropped off the caller's path, within bounds: the caller returns at once while a drop
 * runs, drops beyond the backlog run on the caller, {@code await} waits for all, and a failed drop
 * neither throws nor blocks the others. (The drops of real branches are covered by every test of a run
 * that checks nothing is left behind.)
 */
class DropsTests {

    @Test
    void theCallerReturnsWhileItsBranchIsDroppedAndAwaitWaitsForTheDrop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Set<String> gone = ConcurrentHashMap.newKeySet();
        try (Drops drops = new Drops(name -> awaitThen(release, () -> gone.add(name)), 1, 1)) {
            drops.drop("a");
            assertThat(drops.pending()).isEqualTo(1);
            assertThat(gone).isEmpty();
            CompletableFuture<Void> awaited = CompletableFuture.runAsync(drops::await);
            Thread.sleep(200);
            assertThat(awaited).isNotDone();
            release.countDown();
            awaited.get(10, TimeUnit.SECONDS);
            assertThat(gone).containsExactly("a");
            assertThat(drops.pending()).isZero();
        }
    }

    @Test
    void beyondTheBacklogTheCallerDropsItsOwnBranch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Set<String> droppedBy = ConcurrentHashMap.newKeySet();
        try (Drops drops = new Drops(
                name -> {
                    if (name.equals("busy")) {
                        awaitThen(release, () -> {});
                    }
                    droppedBy.add(name + "@" + Thread.currentThread().getName());
                },
                1,
                1)) {
            drops.drop("busy"); // occupies the one thread
            drops.drop("waiting"); // fills the backlog
            drops.drop("mine"); // runs here
            assertThat(droppedBy)
                    .containsExactly("mine@" + Thread.currentThread().getName());
            release.countDown();
            drops.await();
            assertThat(droppedBy).contains("busy@lakebase-junit-drop", "waiting@lakebase-junit-drop");
        }
    }

    @Test
    void aFailedDropIsLoggedAndTheOthersStillRun() {
        Set<String> gone = ConcurrentHashMap.newKeySet();
        try (Drops drops = new Drops(
                name -> {
                    if (name.equals("bad")) {
                        throw new IllegalStateException("server said no");
                    }
                    gone.add(name);
                },
                2,
                4)) {
            drops.drop("bad");
            drops.drop("good");
            drops.await();
            assertThat(gone).containsExactly("good");
        }
    }

    @Test
    void dropAllDropsSeveralAtOnceAndStopsAtTheFirstFailure() {
        CountDownLatch bothStarted = new CountDownLatch(2);
        try (Drops drops = new Drops(
                name -> {
                    bothStarted.countDown();
                    awaitThen(bothStarted, () -> {});
                },
                2,
                4)) {
            // Both drops must be under way together for either to finish.
            assertThat(drops.dropAll(List.of("x", "y"))).isEmpty();
        }
        Set<String> tried = ConcurrentHashMap.newKeySet();
        try (Drops drops = new Drops(
                name -> {
                    tried.add(name);
                    throw new IllegalStateException("The server process has exited");
                },
                1,
                8)) {
            assertThat(drops.dropAll(List.of("a", "b", "c", "d"))).hasValue("a: The server process has exited");
            assertThat(tried).containsExactly("a");
        }
    }

    private static void awaitThen(CountDownLatch latch, Runnable then) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        then.run();
    }
}
