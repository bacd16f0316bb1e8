package io.github.lakebase.junit.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No main source file grows past about 400 lines without a reason written here: a class that long
 * usually does several jobs. Counts the files of every module of the repository.
 */
class SourceSizeTests {

    private static final int LIMIT = 400;
    /** Files allowed over the limit, with the reason. */
    private static final Map<String, String> EXCEPTIONS = Map.of();

    @Test
    void everyMainSourceFileIsAtMost400LinesLong() throws IOException {
        Path repository = Path.of("").toAbsolutePath().getParent();
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(repository)) {
            tooLong = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .filter(p -> !EXCEPTIONS.containsKey(p.getFileName().toString()))
                    .filter(p -> lines(p) > LIMIT)
                    .map(p -> repository.relativize(p) + " (" + lines(p) + " lines)")
                    .sorted()
                    .toList();
        }
        assertThat(tooLong)
                .as(
                        "main source files over %d lines; split them by responsibility, or list one in EXCEPTIONS "
                                + "with the reason",
                        LIMIT)
                .isEmpty();
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
