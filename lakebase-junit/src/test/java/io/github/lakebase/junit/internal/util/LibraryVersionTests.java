package io.github.lakebase.junit.internal.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's version, for the commands it prints (the Maven plugin's coordinates in the run report and in the
 * way to reach a kept branch), comes from the descriptor Maven puts in every jar it builds: the library's jar has
 * no {@code Implementation-Version} in its manifest, so a version read from there was always missing, and the
 * command took whatever plugin version Maven found newest.
 */
class LibraryVersionTests {

    @Test
    void theVersionIsTheOneMavensDescriptorInTheJarGives(@TempDir Path jar) throws Exception {
        Path descriptor = jar.resolve(LibraryVersion.DESCRIPTOR);
        Files.createDirectories(descriptor.getParent());
        Files.writeString(descriptor, "groupId=io.github.lakebase\nartifactId=lakebase-junit\nversion=1.4.2\n");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertThat(LibraryVersion.of(loader)).contains("1.4.2");
        }
    }

    @Test
    void classesWithoutMavensDescriptorHaveNoVersion(@TempDir Path classes) throws Exception {
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
            assertThat(LibraryVersion.of(loader)).isEmpty();
        }
    }
}
