package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Work that the spares' workers hold back for a moment: what ends the pause, and that it always ends. */
class SpareWorkersTests {

    private SpareWorkers workers;

    @AfterEach
    void stop() {
        if (workers != null) {
            workers.stop();
        }
    }

    @Test
    void workHeldBackStartsOnceATestWaitsForASpare() throws Exception {
        workers = new SpareWorkers(TimeUnit.HOURS.toMillis(1));
        CountDownLatch ran = new CountDownLatch(1);
        Spare spare = spare();

        workers.start(spare, true, ran::countDown, () -> {});

        assertThat(ran.await(200, TimeUnit.MILLISECONDS))
                .as("started before a test waited")
                .isFalse();
        workers.hurry();
        assertThat(ran.await(10, TimeUnit.SECONDS))
                .as("started once a test waited")
                .isTrue();
    }

    @Test
    void workHeldBackStartsAfterThePauseWhenNoTestWaits() throws Exception {
        workers = new SpareWorkers(50);
        CountDownLatch ran = new CountDownLatch(1);

        workers.start(spare(), true, ran::countDown, () -> {});

        assertThat(ran.await(10, TimeUnit.SECONDS))
                .as("started after the pause")
                .isTrue();
    }

    @Test
    void workNotHeldBackStartsAtOnce() throws Exception {
        workers = new SpareWorkers(TimeUnit.HOURS.toMillis(1));
        CountDownLatch ran = new CountDownLatch(1);

        workers.start(spare(), false, ran::countDown, () -> {});

        assertThat(ran.await(10, TimeUnit.SECONDS)).as("started at once").isTrue();
    }

    @Test
    void workHeldBackRunsBeforeTheWorkersStopAndLaterWorkIsCancelled() throws Exception {
        workers = new SpareWorkers(TimeUnit.HOURS.toMillis(1));
        CountDownLatch ran = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        Spare held = spare();

        workers.start(held, true, ran::countDown, () -> {});
        workers.stop(); // returns once the work under way is done

        assertThat(ran.getCount())
                .as("held work run by the time the workers stopped")
                .isZero();
        assertThat(held.forked()).as("the spare the work was for, settled").isDone();
        Spare later = spare();
        workers.start(later, true, () -> {}, cancelled::countDown);
        assertThat(cancelled.await(10, TimeUnit.SECONDS))
                .as("work given after the stop, cancelled without a pause")
                .isTrue();
        assertThat(later.forked()).as("the spare of work cancelled").isCancelled();
    }

    private static Spare spare() {
        return new Spare("base", "spare", new CompletableFuture<>());
    }
}
