package io.github.lakebase.junit.internal.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The binaries as several copies of the library in one JVM use them, each loaded by a class loader of its own, and as
 * threads of one JVM install them into several binaries directories while another JVM unpacks one.
 */
class PostgresBinariesTests {

    /**
     * The Maven plugin runs each module's goals with that module's test class path, and so with a copy of the library
     * of its own: the copy that came first holds the version's shared lock until the JVM exits, and Java refuses the
     * same lock to the next copy (an {@code OverlappingFileLockException}), whose server must start all the same.
     */
    @Test
    void aVersionThatAnotherCopyOfTheLibraryInThisJvmUsesIsInstalledForThisOneToo() throws IOException {
        Path binaries = TestCaches.newDirectory("binaries-");
        try {
            Path lockFile = binaries.toRealPath().resolve(BinariesArchive.find().name() + PostgresBinaries.LOCK_SUFFIX);
            try (FileChannel otherCopy = FileChannel.open(
                            lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock inUse = otherCopy.lock(1, 1, true)) {
                Path installation = PostgresBinaries.install(binaries);

                assertThat(inUse.isValid()).as("the other copy's lock").isTrue();
                assertThat(installation.resolve(PostgresBinaries.COMPLETE)).isRegularFile();
                assertThat(installation.resolve("bin").resolve("postgres")).isExecutable();
            }
        } finally {
            PostgresBinaries.deleteRecursively(binaries);
        }
    }

    @Test
    void aVersionThatAnotherJvmUnpacksHoldsUpNoInstallFromAnotherBinariesDirectory() throws Exception {
        PostgresBinaries.install(TestCaches.sharedBinaries()); // unpacked, as a run that started before left it
        Path binaries = TestCaches.newDirectory("binaries-");
        Process unpacking = holdTheUnpackersLock(binaries);
        CompletableFuture<Path> waiting;
        try {
            waiting = installWaitingForTheLock(binaries).installation();

            CompletableFuture<Path> other =
                    CompletableFuture.supplyAsync(() -> PostgresBinaries.install(TestCaches.sharedBinaries()));
            boolean inTime;
            try {
                other.get(30, TimeUnit.SECONDS);
                inTime = true;
            } catch (TimeoutException e) {
                inTime = false;
            }
            assertThat(waiting).as("the install that waits for the other JVM").isNotDone();
            assertThat(inTime)
                    .as("an install from another binaries directory, done while the other JVM unpacked")
                    .isTrue();
        } finally {
            unpacking.getOutputStream().close(); // lets the other JVM go: its lock goes with it
            unpacking.waitFor(30, TimeUnit.SECONDS);
        }
        try {
            assertThat(waiting.get(120, TimeUnit.SECONDS).resolve(PostgresBinaries.COMPLETE))
                    .isRegularFile();
        } finally {
            PostgresBinaries.deleteRecursively(binaries);
        }
    }

    /**
     * A JUnit {@code @Timeout}, say, interrupts a thread that waits for another JVM to unpack the version: that thread
     * fails, and the version stays usable for the rest of this JVM's starts.
     */
    @Test
    void aStartInterruptedWhileAnotherJvmUnpacksLeavesTheVersionUsable() throws Exception {
        Path binaries = TestCaches.newDirectory("binaries-");
        Process unpacking = holdTheUnpackersLock(binaries);
        try {
            Installing interrupted = installWaitingForTheLock(binaries);
            interrupted.thread().interrupt();
            interrupted.thread().join(TimeUnit.SECONDS.toMillis(30));
            assertThat(interrupted.installation()).as("the interrupted start").isCompletedExceptionally();
        } finally {
            unpacking.getOutputStream().close();
            unpacking.waitFor(30, TimeUnit.SECONDS);
        }
        try {
            Path installation = PostgresBinaries.install(binaries);
            assertThat(installation.resolve("bin").resolve("postgres")).isExecutable();
        } finally {
            PostgresBinaries.deleteRecursively(binaries);
        }
    }

    /** An install into a binaries directory, in a thread of its own. */
    private record Installing(Thread thread, CompletableFuture<Path> installation) {}

    /** Starts an install into {@code binaries}, and returns once it waits for another JVM's unpacking. */
    private static Installing installWaitingForTheLock(Path binaries) throws InterruptedException {
        CompletableFuture<Path> installation = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                installation.complete(PostgresBinaries.install(binaries));
            } catch (RuntimeException | Error e) {
                installation.completeExceptionally(e);
            }
        });
        thread.start();
        awaitFileLock(thread);
        return new Installing(thread, installation);
    }

    /**
     * Another JVM that holds byte 0 of the lock file of the version in {@code binaries}, as one does while it unpacks
     * the version, until its input closes.
     */
    private static Process holdTheUnpackersLock(Path binaries) throws IOException {
        Path lockFile = binaries.toRealPath().resolve(BinariesArchive.find().name() + PostgresBinaries.LOCK_SUFFIX);
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        HoldsALock.class.getName(),
                        lockFile.toString())
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        assertThat(out.readLine())
                .as("the other JVM's word that it holds the lock")
                .isEqualTo("held");
        return process;
    }

    /** Waits until {@code thread} waits for a file lock: blocked in {@code lock}, or sleeping between tries. */
    private static void awaitFileLock(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Arrays.stream(thread.getStackTrace())
                .noneMatch(f -> (f.getClassName().startsWith("sun.nio.ch.FileChannel")
                                && f.getMethodName().equals("lock"))
                        || (f.getClassName().equals(PostgresBinaries.class.getName())
                                && f.getMethodName().startsWith("await")))) {
            assertThat(System.nanoTime()).as("waiting for the lock").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Holds byte 0 of the file {@code args[0]} for itself until its standard input closes. */
    static final class HoldsALock {
        @SuppressWarnings("try") // the lock is held for the block, not used in it
        public static void main(String[] args) throws IOException {
            try (FileChannel channel =
                            FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock held = channel.lock(0, 1, false)) {
                System.out.println("held");
                System.out.flush();
                System.in.read();
            }
        }
    }
}
