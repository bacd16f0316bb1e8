package io.github.lakebase.junit.internal.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

/** The binaries as several copies of the library in one JVM use them, each loaded by a class loader of its own. */
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
}
