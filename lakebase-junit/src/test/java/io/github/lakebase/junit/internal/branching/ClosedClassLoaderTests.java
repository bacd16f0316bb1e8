package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library loaded by a class loader that is closed before the JVM exits (an isolated one in a test, a
 * build tool's plugin realm): a JVM that never opened a branch exits quietly, with no stack trace from the
 * library's shutdown hook.
 */
class ClosedClassLoaderTests {

    @Test
    void aJvmThatLinkedTheLibraryThroughAClosedClassLoaderExitsQuietly(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("child.log");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LinkThenCloseMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        process.destroyForcibly();
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertThat(exited).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).isEqualTo("linked\n");
    }

    /** Links the library's branching service in a class loader of its own, closes that loader, and exits. */
    static final class LinkThenCloseMain {

        public static void main(String[] args) throws Exception {
            List<URL> classPath = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                classPath.add(Path.of(entry).toUri().toURL());
            }
            try (URLClassLoader isolated =
                    new URLClassLoader(classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
                Class.forName(BranchService.class.getName(), true, isolated);
            }
            System.out.println("linked");
        }
    }
}
