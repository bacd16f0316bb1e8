package io.github.lakebase.junit.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files the library writes whole (the run report, its bases' pages, a kept base's review): read by other users and
 * tools as any file the build writes, such as a CI step that runs as another user and posts the report.
 */
class AtomicFilesTests {

    @TempDir
    Path directory;

    @BeforeEach
    void posix() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    }

    @Test
    void aNewFileHasThePermissionsTheUmaskGivesAnyNewFile() throws IOException {
        Path plain = directory.resolve("plain.json");
        Files.writeString(plain, "{}", StandardCharsets.UTF_8);

        Path written = directory.resolve("report.json");
        AtomicFiles.write(written, "{\"tests\":2}");

        assertThat(Files.readString(written)).isEqualTo("{\"tests\":2}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
                .as("as a file that Files.writeString creates in the same directory")
                .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)));
    }

    @Test
    void aReplacedFileKeepsItsPermissions() throws IOException {
        Path written = directory.resolve("report.md");
        Files.writeString(written, "old", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-rw-r--"));

        AtomicFiles.write(written, "new");

        assertThat(Files.readString(written)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
                .isEqualTo("rw-rw-r--");
    }

    @Test
    void noTemporaryFileIsLeft() throws IOException {
        Path written = directory.resolve("report.json");
        AtomicFiles.write(written, "a");
        AtomicFiles.write(written, "b");

        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).containsExactly(written);
        }
    }
}
