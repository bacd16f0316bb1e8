package io.github.lakebase.junit.internal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every spelling of a directory leads to one: its lock, log and watchdog pipe are named after it. */
class DirectoriesTests {

    @TempDir
    Path work;

    private Path pgdata;

    @BeforeEach
    void realWork() throws IOException {
        work = work.toRealPath();
        pgdata = work.resolve("pgdata");
    }

    @Test
    void dotsAreResolvedWhetherTheDirectoryExistsOrNot() throws IOException {
        assertThat(Directories.canonical(work.resolve("pgdata/."))).isEqualTo(pgdata);
        assertThat(Directories.canonical(work.resolve("other/../pgdata"))).isEqualTo(pgdata);
        Files.createDirectories(pgdata);
        assertThat(Directories.canonical(work.resolve("pgdata/."))).isEqualTo(pgdata);
        assertThat(Directories.canonical(work.resolve("pgdata/../pgdata/"))).isEqualTo(pgdata);
    }

    @Test
    void aSymbolicLinkLeadsToItsTargetWhetherTheTargetExistsOrNot() throws IOException {
        Path linked = Files.createSymbolicLink(work.resolve("linked"), Path.of("pgdata"));
        assertThat(Directories.canonical(linked)).as("a link to nothing yet").isEqualTo(pgdata);
        assertThat(Directories.canonical(linked.resolve("."))).isEqualTo(pgdata);
        assertThat(Directories.canonical(linked.resolve("child"))).isEqualTo(pgdata.resolve("child"));
        Files.createDirectories(pgdata);
        assertThat(Directories.canonical(linked)).isEqualTo(pgdata);
        assertThat(Directories.canonical(linked.resolve("child"))).isEqualTo(pgdata.resolve("child"));
    }

    @Test
    void aLinkedParentIsResolved() throws IOException {
        Path real = Files.createDirectories(work.resolve("real"));
        Path parent = Files.createSymbolicLink(work.resolve("parent"), real);
        assertThat(Directories.canonical(parent.resolve("pgdata"))).isEqualTo(real.resolve("pgdata"));
    }

    @Test
    void aRelativePathIsTakenFromTheWorkingDirectory() throws IOException {
        assertThat(Directories.canonical(Path.of("target", ".", "pgdata")))
                .isEqualTo(Path.of("").toRealPath().resolve("target/pgdata"));
    }

    @Test
    void linksThatLoopAreRefused() throws IOException {
        Files.createSymbolicLink(work.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(work.resolve("b"), Path.of("a"));
        assertThatThrownBy(() -> Directories.canonical(work.resolve("a/pgdata")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("symbolic links");
    }
}
