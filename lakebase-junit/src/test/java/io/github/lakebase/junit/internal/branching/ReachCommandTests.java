package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** The command the log line of a kept branch gives: runnable as written, and without secrets. */
class ReachCommandTests {

    // Keys that no code reads: tests that run meanwhile see the system properties too.
    @Test
    @ResourceLock(value = Resources.SYSTEM_PROPERTIES, mode = ResourceAccessMode.READ_WRITE)
    void repeatsTheLakebaseSystemPropertiesButNoSecret() {
        System.setProperty("lakebase.reach-test.settings", "work_mem=64MB,log_statement=all");
        System.setProperty("lakebase.reach-test.quoted", "it's");
        System.setProperty("lakebase.reach-test.password", "hunter2");
        System.setProperty("lakebase.reach-test.url", "jdbc:postgresql://db:5432/postgres?password=swordfish");
        try {
            String command = ReachCommand.connect("lbj_k3x9a1b_3_refund");

            assertThat(command)
                    .contains("-Dlakebase.reach-test.settings=work_mem=64MB,log_statement=all")
                    .contains("'-Dlakebase.reach-test.quoted=it'\\''s'")
                    .doesNotContain("hunter2")
                    .doesNotContain("swordfish");
            if (System.getProperty("surefire.test.class.path") != null) {
                assertThat(command)
                        .as("under Maven: the plugin's goal in the module whose tests ran")
                        .contains("-f " + Path.of(System.getProperty("basedir"), "pom.xml"))
                        .contains("io.github.lakebase:lakebase-maven-plugin:")
                        .contains(":connect -Dlakebase.branch=lbj_k3x9a1b_3_refund");
            } else {
                assertThat(command).contains(ReachCommand.MAIN_CLASS + " connect lbj_k3x9a1b_3_refund");
            }
        } finally {
            System.clearProperty("lakebase.reach-test.settings");
            System.clearProperty("lakebase.reach-test.quoted");
            System.clearProperty("lakebase.reach-test.password");
            System.clearProperty("lakebase.reach-test.url");
        }
    }

    @Test
    @ResourceLock(value = Resources.SYSTEM_PROPERTIES, mode = ResourceAccessMode.READ_WRITE)
    void aValueIsRepeatedAsItIsWhateverSpacesItHolds() {
        System.setProperty("lakebase.reach-test.spaced", "a,  b   c");
        try {
            assertThat(ReachCommand.connect("lbj_k3x9a1b_3_refund"))
                    .contains(" '-Dlakebase.reach-test.spaced=a,  b   c'");
        } finally {
            System.clearProperty("lakebase.reach-test.spaced");
        }
    }

    @Test
    void aManifestOnlyJarStandsForTheEntriesItLists(@TempDir Path dir) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes()
                .put(Attributes.Name.CLASS_PATH, dir.resolve("lib/a.jar").toUri() + " test-classes/");
        Path jar = dir.resolve("classpath.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }

        assertThat(ReachCommand.classPath(jar.toString()))
                .isEqualTo(dir.resolve("lib/a.jar") + File.pathSeparator + dir.resolve("test-classes"));
        assertThat(ReachCommand.classPath("a.jar" + File.pathSeparator + "b.jar"))
                .isEqualTo("a.jar" + File.pathSeparator + "b.jar");
    }

    @Test
    @ResourceLock(value = Resources.SYSTEM_PROPERTIES, mode = ResourceAccessMode.READ)
    void underMavenTheCommandNamesTheLocalRepositoryTheLibraryCameFrom(@TempDir Path dir) {
        Path pom = dir.resolve("shop/pom.xml");
        Path repository = dir.resolve("build repo");

        assertThat(ReachCommand.connect("lbj_k3x9a1b_3_refund", pom, releaseJarIn(repository)))
                .as("the plugin and the library resolve where the tests found them")
                .startsWith("mvn -f " + pom + " '-Dmaven.repo.local=" + repository + "' io.github.lakebase:")
                .contains(":connect -Dlakebase.branch=lbj_k3x9a1b_3_refund");
    }

    @Test
    @ResourceLock(value = Resources.SYSTEM_PROPERTIES, mode = ResourceAccessMode.READ)
    void aLibraryFromABuildsClassesOrARunOutsideMavenNamesNoRepository(@TempDir Path dir) {
        Path pom = dir.resolve("shop/pom.xml");

        assertThat(ReachCommand.connect("lbj_k3x9a1b_3_refund", pom, dir.resolve("lakebase-junit/target/classes")))
                .startsWith("mvn -f " + pom + " io.github.lakebase:")
                .doesNotContain("maven.repo.local");
        assertThat(ReachCommand.connect("lbj_k3x9a1b_3_refund", pom, null)).doesNotContain("maven.repo.local");
        assertThat(ReachCommand.connect("lbj_k3x9a1b_3_refund", null, releaseJarIn(dir.resolve("m2"))))
                .doesNotContain("maven.repo.local")
                .endsWith(ReachCommand.MAIN_CLASS + " connect lbj_k3x9a1b_3_refund");
    }

    @Test
    void theLocalRepositoryIsReadFromTheMavenLayoutOfTheLibrarysJarOnly(@TempDir Path dir) {
        Path repository = dir.resolve("m2");

        assertThat(ReachCommand.localRepository(releaseJarIn(repository))).contains(repository);
        assertThat(ReachCommand.localRepository(repository.resolve(
                        "io/github/lakebase/lakebase-junit/1.3.0-SNAPSHOT/lakebase-junit-1.3.0-20261207.101010-4.jar")))
                .as("a snapshot deployed with a timestamp")
                .contains(repository);
        assertThat(ReachCommand.localRepository(repository.resolve(
                        "io/github/lakebase/lakebase-junit/1.3.0-SNAPSHOT/lakebase-junit-1.3.0-SNAPSHOT.jar")))
                .as("a snapshot installed by a build")
                .contains(repository);
        assertThat(ReachCommand.localRepository(dir.resolve("shop/lib/lakebase-junit-1.2.3.jar")))
                .as("a jar outside a repository")
                .isEqualTo(Optional.empty());
        assertThat(ReachCommand.localRepository(dir.resolve("shop/lakebase-junit/target/classes")))
                .isEqualTo(Optional.empty());
        assertThat(ReachCommand.localRepository(releaseJarIn(dir.getRoot())))
                .as("a repository that would be the file system's root")
                .isEqualTo(Optional.empty());
    }

    /** Where Maven puts the library's release 1.2.3 in {@code repository}. */
    private static Path releaseJarIn(Path repository) {
        return repository.resolve("io/github/lakebase/lakebase-junit/1.2.3/lakebase-junit-1.2.3.jar");
    }
}
