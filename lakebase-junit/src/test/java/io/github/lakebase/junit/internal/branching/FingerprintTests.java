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

    @Test
    void aBasesKeyIsItsParentWithItsMigrations() {
        String migrations =
                Fingerprint.of("migrations").add("location", "db/migration").hex();
        String others = Fingerprint.of("migrations").add("location", "db/other").hex();

        assertThat(Fingerprint.ofBase("template1", migrations))
                .isEqualTo(Fingerprint.ofBase("template1", migrations))
                .isNotEqualTo(Fingerprint.ofBase("staging", migrations))
                .isNotEqualTo(Fingerprint.ofBase("template1", others))
                .isNotEqualTo(migrations);
    }

    @Test
    void everyFileOfTheRootThatHoldsAJavaMigrationIsPartOfTheKeyInADirectoryOrAJar() throws IOException {
        Path original = migrations(dir.resolve("original"), "CREATE TABLE t (id int);", new byte[] {1});
        Files.createDirectories(original.resolve("com/acme/seed"));
        Files.write(original.resolve("com/acme/seed/Seeds.class"), new byte[] {1});
        Path changed = migrations(dir.resolve("changed"), "CREATE TABLE t (id int);", new byte[] {1});
        Files.createDirectories(changed.resolve("com/acme/seed"));
        Files.write(changed.resolve("com/acme/seed/Seeds.class"), new byte[] {2});

        assertThat(codeKey(original, List.of())).isPresent().isEqualTo(codeKey(original, List.of()));
        assertThat(codeKey(changed, List.of()))
                .as("a helper class in another package of the same root")
                .isNotEqualTo(codeKey(original, List.of()));
        Optional<String> jarred = codeKey(jar(dir.resolve("original.jar"), original), List.of());
        Files.createDirectories(dir.resolve("elsewhere"));
        assertThat(codeKey(jar(dir.resolve("elsewhere/original-copy.jar"), original), List.of()))
                .as("the same jar elsewhere")
                .isPresent()
                .isEqualTo(jarred);
        assertThat(codeKey(jar(dir.resolve("changed.jar"), changed), List.of())).isNotEqualTo(jarred);
    }

    @Test
    void theRootOfACallbackOrResolverClassIsPartOfTheKey() throws IOException {
        Path original = Files.createDirectories(dir.resolve("original/com/acme"));
        Files.write(original.resolve("AuditCallback.class"), new byte[] {1});
        Files.write(original.resolve("Audit.class"), new byte[] {1});
        Path changed = Files.createDirectories(dir.resolve("changed/com/acme"));
        Files.write(changed.resolve("AuditCallback.class"), new byte[] {1});
        Files.write(changed.resolve("Audit.class"), new byte[] {2});

        assertThat(codeKey(dir.resolve("changed"), List.of("com.acme.AuditCallback")))
                .isPresent()
                .isNotEqualTo(codeKey(dir.resolve("original"), List.of("com.acme.AuditCallback")));
        assertThat(codeKey(dir.resolve("changed"), List.of("com.acme")))
                .as("a package to scan for callbacks")
                .isNotEqualTo(codeKey(dir.resolve("original"), List.of("com.acme")));
    }

    @Test
    void sqlMigrationsAloneBringNoClassRoot() throws IOException {
        Path root = Files.createDirectories(dir.resolve("sql/db/migration"));
        Files.writeString(root.resolve("V1__t.sql"), "CREATE TABLE t (id int);");
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {dir.resolve("sql").toUri().toURL()}, null)) {
            assertThat(ClassRoots.of(List.of("classpath:db/migration"), List.of(), loader))
                    .hasValueSatisfying(roots -> assertThat(roots.any()).isFalse());
        }
    }

    /** The key of {@code classpath:db/migration} with the Java code of {@code classes}, on a class path of {@code root}. */
    private static Optional<String> codeKey(Path root, List<String> classes) {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            List<String> locations = Files.isDirectory(root) && !Files.isDirectory(root.resolve("db/migration"))
                    ? List.of()
                    : List.of("classpath:db/migration");
            return ClassRoots.of(locations, classes, loader)
                    .flatMap(roots -> Fingerprint.of("base")
                            .addLocations(locations, loader)
                            .flatMap(f -> f.addClassRoots(roots)))
                    .map(Fingerprint::hex);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
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
