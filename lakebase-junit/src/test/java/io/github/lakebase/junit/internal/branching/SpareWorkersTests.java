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

        workers.start(spare(), workers.hold(), ran::countDown, () -> {});

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

        workers.start(spare(), workers.hold(), ran::countDown, () -> {});

        assertThat(ran.await(10, TimeUnit.SECONDS))
                .as("started after the pause")
                .isTrue();
    }

    @Test
    void workNotHeldBackStartsAtOnce() throws Exception {
        workers = new SpareWorkers(TimeUnit.HOURS.toMillis(1));
        CountDownLatch ran = new CountDownLatch(1);

        workers.start(spare(), null, ran::countDown, () -> {});

        assertThat(ran.await(10, TimeUnit.SECONDS)).as("started at once").isTrue();
    }

    @Test
    void workHeldBackWhenTheWorkersStopIsCancelledAtOnceAndNothingIsHeldAfterwards() throws Exception {
        workers = new SpareWorkers(TimeUnit.HOURS.toMillis(1));
        CountDownLatch ran = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        Spare held = spare();
        workers.start(held, workers.hold(), ran::countDown, cancelled::countDown);

        workers.stop();

        assertThat(cancelled.getCount())
                .as("held work cancelled by the time the workers stopped")
                .isZero();
        assertThat(ran.getCount()).as("held work run").isOne();
        assertThat(held.forked()).as("the spare the work was for").isCancelled();
        assertThat(workers.hold()).as("a pause once stopped").isNull();
    }

    private static Spare spare() {
        return new Spare("base", "spare", new CompletableFuture<>());
    }
}
