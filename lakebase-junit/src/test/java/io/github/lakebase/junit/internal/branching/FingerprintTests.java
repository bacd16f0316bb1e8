package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What makes two bases the same: every file under the migration locations, wherever they come from. */
class FingerprintTests {

    @TempDir
    Path dir;

    @Test
    void theSameFilesGiveTheSameKeyInADirectoryOrAJar() throws IOException {
        Path classes = migrations(dir.resolve("classes"), "CREATE TABLE t (id int);", new byte[] {(byte) 0xca, 0x0e});
        Path jar = jar(dir.resolve("migrations.jar"), classes);

        assertThat(key(classes)).isPresent().isEqualTo(key(classes)).isEqualTo(key(jar));
    }

    @Test
    void aChangedScriptOrJavaMigrationClassOrANewFileGivesAnotherKey() throws IOException {
        Optional<String> original = key(migrations(dir.resolve("a"), "CREATE TABLE t (id int);", new byte[] {1}));

        assertThat(key(migrations(dir.resolve("b"), "CREATE TABLE t (id bigint);", new byte[] {1})))
                .isNotEqualTo(original);
        assertThat(key(migrations(dir.resolve("c"), "CREATE TABLE t (id int);", new byte[] {2})))
                .as("the bytes of a Java migration class")
                .isNotEqualTo(original);
        Path added = migrations(dir.resolve("d"), "CREATE TABLE t (id int);", new byte[] {1});
        Files.writeString(added.resolve("db/migration/V3__more.sql"), "SELECT 1;");
        assertThat(key(added)).isNotEqualTo(original);
    }

    @Test
    void aLocationThatCannotBeReadHereHasNoKey() {
        assertThat(fingerprint(List.of("s3:bucket/migrations"), getClass().getClassLoader()))
                .isEmpty();
    }

    @Test
    void theParentAndTheKindArePartOfTheKey() {
        assertThat(Fingerprint.of("base").add("parent", "template1").hex())
                .isNotEqualTo(Fingerprint.of("base").add("parent", "staging").hex())
                .isNotEqualTo(
                        Fingerprint.of("parent").add("parent", "template1").hex());
        assertThat(Fingerprint.of("x").add("ab", "c").hex())
                .isNotEqualTo(Fingerprint.of("x").add("a", "bc").hex());
    }

    /** A class path root with {@code db/migration/V1__t.sql} and a Java migration's class file. */
    private static Path migrations(Path root, String sql, byte[] classBytes) throws IOException {
        Path location = Files.createDirectories(root.resolve("db/migration"));
        Files.writeString(location.resolve("V1__t.sql"), sql);
        Files.write(location.resolve("V2__Java.class"), classBytes);
        return root;
    }

    private static Path jar(Path jar, Path root) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out)) {
            try (var files = Files.walk(root)) {
                for (Path f : files.filter(f -> !f.equals(root)).sorted().toList()) {
                    boolean directory = Files.isDirectory(f); // as a build tool writes them
                    j.putNextEntry(new JarEntry(root.relativize(f) + (directory ? "/" : "")));
                    if (!directory) {
                        j.write(Files.readAllBytes(f));
                    }
                    j.closeEntry();
                }
            }
        }
        return jar;
    }

    /** The key of {@code classpath:db/migration} on a class path made of {@code root} alone. */
    private static Optional<String> key(Path root) {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            return fingerprint(List.of("classpath:db/migration"), loader);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Optional<String> fingerprint(List<String> locations, ClassLoader loader) {
        return Fingerprint.of("base").addLocations(locations, loader).map(Fingerprint::hex);
    }
}
