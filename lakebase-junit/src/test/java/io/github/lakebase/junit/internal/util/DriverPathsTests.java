package io.github.lakebase.junit.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The driver's paths of a login run without a server, against a socket of the JVM's own: they end at once, never
 * throw, and leave no thread waiting on the socket.
 */
class DriverPathsTests {

    @Test
    void theyEndWithinSecondsAndLeaveNoThreadBehind() throws InterruptedException {
        assertTimeoutPreemptively(Duration.ofSeconds(10), DriverPaths::run);

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (accepting() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(accepting())
                .as("a thread still waits on a warm-up's socket 5 s on")
                .isFalse();
    }

    private static boolean accepting() {
        return Thread.getAllStackTraces().values().stream()
                .anyMatch(frames -> Arrays.stream(frames)
                        .anyMatch(f -> f.getClassName().equals(DriverPaths.class.getName())
                                && f.getMethodName().equals("closeEach")));
    }
}
