package io.github.lakebase.junit.internal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/** The startup report says, once per filesystem, whether branches are copy-on-write, and what to do if not. */
@Isolated("captures System.err")
class CopyOnWriteProbeTests {

    @Test
    void theReportSaysOnceWhetherBranchesAreCopyOnWriteAndWhatToDoIfNot() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "needs a filesystem no other test uses");
        Path parent = Files.createTempDirectory(shm, "lakebase-junit-probe-");
        try {
            Path data = Files.createDirectories(parent.resolve("pgdata"));
            Path other = Files.createDirectories(parent.resolve("other"));
            PrintStream err = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            String first;
            String second;
            try (PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
                System.setErr(tee);
                first = CopyOnWriteProbe.report(data);
                second = CopyOnWriteProbe.report(other);
                CopyOnWriteProbe.report(data);
            } finally {
                System.setErr(err);
            }
            String log = captured.toString(StandardCharsets.UTF_8);

            assertThat(first)
                    .isEqualTo(second)
                    .startsWith("Branches on " + data + " are plain file copies (tmpfs has " + "no reflinks)")
                    .contains("Put lakebase.embedded.data-directory on XFS (reflink), btrfs");
            // Only this test's reports: a server an earlier test started may still be probing its own filesystem.
            assertThat(Pattern.compile(Pattern.quote("Branches on " + parent))
                            .matcher(log)
                            .results()
                            .count())
                    .as("reported once:\n%s", log)
                    .isEqualTo(1);
        } finally {
            PostgresBinaries.deleteRecursively(parent);
        }
    }

    @Test
    void anExt4WithoutAJournalIsToldFromItsDeviceAndTheKernelsListOfJournals(@TempDir Path kernel) throws IOException {
        Path sysExt4 = Files.createDirectories(kernel.resolve("sys/fs/ext4"));
        Path procJbd2 = Files.createDirectories(kernel.resolve("proc/fs/jbd2"));
        Files.createDirectories(sysExt4.resolve("vda"));
        Files.createDirectories(sysExt4.resolve("loop0"));
        Files.createDirectories(procJbd2.resolve("loop0-8"));

        assertThat(CopyOnWriteProbe.withoutJournal("ext4", "/dev/vda", sysExt4, procJbd2))
                .as("no journal listed for vda")
                .isTrue();
        assertThat(CopyOnWriteProbe.withoutJournal("ext4", "/dev/loop0", sysExt4, procJbd2))
                .as("journaled")
                .isFalse();
        assertThat(CopyOnWriteProbe.withoutJournal("ext4", "/dev/root", sysExt4, procJbd2))
                .as("a device name the kernel does not list: cannot be told")
                .isFalse();
        assertThat(CopyOnWriteProbe.withoutJournal("xfs", "/dev/vda", sysExt4, procJbd2))
                .isFalse();
        assertThat(CopyOnWriteProbe.withoutJournal("ext4", "/dev/vda", sysExt4, kernel.resolve("no-jbd2")))
                .as("no list of journals at all: cannot be told")
                .isFalse();
    }
}
