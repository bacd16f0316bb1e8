package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs one after another on a persistent data directory: a run whose migrations and parents did not
 * change builds nothing and forks from what an earlier run kept; a change rebuilds what depends on
 * it, and what it replaced is collected.
 */
class WarmStartTests {

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("warm-start-");

    @Test
    void aRunRebuildsOnlyWhatChangedSinceTheLastRun() throws Exception {
        Path migrations = Files.createDirectories(jvms.work().resolve("migrations"));
        Files.writeString(migrations.resolve("V1__inventory.sql"), "CREATE TABLE inventory (id bigint);\n");
        Path parentScript = Files.writeString(
                jvms.work().resolve("staging.sql"), "CREATE TABLE customer (id integer PRIMARY KEY);\n");
        Map<String, String> configuration = Map.of(
                "lakebase.embedded.data-directory",
                jvms.work().resolve("pgdata").toString(),
                "lakebase.parents",
                "staging",
                "lakebase.parent.staging.scripts",
                "filesystem:" + parentScript,
                "lakebase.from",
                "staging",
                "lakebase.migrations",
                "filesystem:" + migrations);

        Run cold = run("cold", configuration);
        assertThat(cold.log()).contains("Building parent 'staging'").contains("Built base");
        assertThat(cold.kept())
                .satisfiesExactlyInAnyOrder(
                        k -> assertThat(k).endsWith(" base"), k -> assertThat(k).endsWith(" parent"));

        Run warm = run("warm", configuration);
        assertThat(warm.log())
                .as("the cold run dropped its spares as it exited: nothing for a sweep")
                .doesNotContain("Swept");
        assertThat(warm.log())
                .doesNotContain("Building parent")
                .doesNotContain("Built base")
                .contains("Reusing parent " + cold.kept("parent"))
                .contains("Reusing base " + cold.kept("base"));
        assertThat(warm.kept()).isEqualTo(cold.kept());

        // Another project on the same data directory (a run report of its own) reuses the base as well; its report
        // reads what the base holds from throwaway branches, and says nothing of a schema history table to create.
        Path elsewhere = jvms.work().resolve("elsewhere-report");
        Map<String, String> otherProject = new java.util.HashMap<>(configuration);
        otherProject.put("lakebase.report.directory", elsewhere.toString());
        // Flyway's own log at INFO, as a project that logs it sees it
        Run other = run("elsewhere", otherProject, List.of("-Dorg.slf4j.simpleLogger.log.org.flywaydb=info"));
        assertThat(other.log()).contains("Reusing base " + cold.kept("base")).doesNotContain("does not exist yet");
        assertThat(elsewhere.resolve("bases"))
                .as("the review of the reused base, kept for the project's next run")
                .isDirectoryContaining("glob:**.json");

        Files.writeString(migrations.resolve("V2__more.sql"), "ALTER TABLE inventory ADD COLUMN code text;\n");
        Run migrated = run("migrated", configuration);
        assertThat(migrated.log())
                .doesNotContain("Building parent")
                .contains("Built base")
                .as("the base of the earlier migrations stays, for a switch back to them")
                .doesNotContain("Collected the kept");
        assertThat(migrated.kept("parent")).isEqualTo(cold.kept("parent"));
        assertThat(migrated.kept()).hasSize(3).containsAll(cold.kept());

        Files.writeString(parentScript, "CREATE TABLE customer (id integer PRIMARY KEY, name text);\n");
        Run reparented = run("reparented", configuration);
        assertThat(reparented.log())
                .contains("Building parent 'staging'")
                .contains("Built base")
                .contains("Collected the kept base " + cold.kept("base"))
                .doesNotContain("Collected the kept parent");
        assertThat(reparented.kept())
                .as("the two bases and parents the module used last")
                .hasSize(4)
                .doesNotContain(cold.kept("base") + " base")
                .contains(cold.kept("parent") + " parent", migrated.keptAnew("base") + " base");
    }

    /**
     * Two projects on one data directory (the default per-user one, where every project's tests go) that name their
     * migrations and parents alike, with different content: each keeps its own base and parent, so that building one
     * does not drop the other's, and both start warm however their builds alternate.
     */
    @Test
    void projectsThatNameTheirMigrationsAlikeKeepABaseEach() throws Exception {
        Map<String, String> configuration = Map.of(
                "lakebase.embedded.data-directory",
                jvms.work().resolve("pgdata").toString(),
                "lakebase.parents",
                "staging",
                "lakebase.from",
                "staging");
        Map<String, Project> projects = new java.util.LinkedHashMap<>();
        for (String name : List.of("orders", "billing", "shipping", "invoicing")) {
            Path directory = Files.createDirectories(jvms.work().resolve(name));
            Path classes = Files.createDirectories(directory.resolve("target/classes/db/migration"));
            // The default location, classpath:db/migration, merged with the one this JVM's tests have
            Files.writeString(
                    classes.resolve("V900__" + name + ".sql"), "CREATE TABLE " + name + "_line (id bigint);\n");
            Files.writeString(
                    directory.resolve("staging.sql"), "CREATE TABLE " + name + "_customer (id integer PRIMARY KEY);\n");
            // orders runs in its directory, as Gradle and IDEs run tests; the others as Surefire runs them, which names
            // the module in basedir, in the directory Maven started in (their parent script's location named from
            // there)
            boolean surefire = !name.equals("orders");
            projects.put(
                    name,
                    new Project(
                            directory.resolve("target/classes"),
                            surefire ? jvms.work() : directory,
                            surefire ? List.of("-Dbasedir=" + directory) : List.of(),
                            "filesystem:" + (surefire ? name + "/" : "") + "staging.sql"));
        }

        Map<String, Run> cold = new java.util.HashMap<>();
        for (Map.Entry<String, Project> p : projects.entrySet()) {
            Run run = run(p.getKey() + "-cold", configuration, p.getValue());
            assertThat(run.log())
                    .contains("Building parent 'staging'")
                    .contains("Built base")
                    .doesNotContain("Collected the kept");
            cold.put(p.getKey(), run);
        }
        Run last = null;
        for (Map.Entry<String, Project> p : projects.entrySet()) {
            last = run(p.getKey() + "-warm", configuration, p.getValue());
            Run before = cold.get(p.getKey());
            assertThat(last.log())
                    .as("%s ran after another project's build", p.getKey())
                    .doesNotContain("Building parent")
                    .doesNotContain("Built base")
                    .contains("Reusing parent " + before.keptAnew("parent"))
                    .contains("Reusing base " + before.keptAnew("base"));
        }
        assertThat(last.kept()).as("a base and a parent for each project").hasSize(8);
    }

    /**
     * A developer who switches between two branches of the project's source, one of which adds a migration, runs the
     * tests of each warm once both were built; a third version replaces the one used less recently.
     */
    @Test
    void switchingBetweenTwoVersionsOfTheMigrationsStaysWarm() throws Exception {
        Path migrations = Files.createDirectories(jvms.work().resolve("migrations"));
        Files.writeString(migrations.resolve("V1__inventory.sql"), "CREATE TABLE inventory (id bigint);\n");
        Path feature = migrations.resolve("V2__code.sql");
        Map<String, String> configuration = Map.of(
                "lakebase.embedded.data-directory",
                jvms.work().resolve("pgdata").toString(),
                "lakebase.migrations",
                "filesystem:" + migrations);

        Run main = run("main", configuration);
        Files.writeString(feature, "ALTER TABLE inventory ADD COLUMN code text;\n");
        Run featureBranch = run("feature", configuration);
        assertThat(featureBranch.log()).contains("Built base").doesNotContain("Collected the kept");

        Files.delete(feature);
        Run backOnMain = run("back-on-main", configuration);
        assertThat(backOnMain.log()).doesNotContain("Built base").contains("Reusing base " + main.keptAnew("base"));
        Files.writeString(feature, "ALTER TABLE inventory ADD COLUMN code text;\n");
        assertThat(run("feature-again", configuration).log())
                .doesNotContain("Built base")
                .contains("Reusing base " + featureBranch.keptAnew("base"));

        Files.writeString(feature, "ALTER TABLE inventory ADD COLUMN code varchar(20);\n");
        Run amended = run("amended", configuration);
        assertThat(amended.log())
                .contains("Built base")
                .contains("Collected the kept base " + main.keptAnew("base"))
                .doesNotContain("Collected the kept base " + featureBranch.keptAnew("base"));
    }

    /**
     * A module: its output directory on its tests' class path, the directory its tests run in, their JVM's options,
     * and the location of its parent's script (relative to the directory its tests run in, as a project would write it).
     */
    private record Project(Path classes, Path workingDirectory, List<String> jvmOptions, String parentScript) {}

    /** Runs a fixture that reports what it finds, in a JVM of its own, to the end. */
    private Run run(String name, Map<String, String> configuration) throws Exception {
        return run(name, configuration, List.of());
    }

    private Run run(String name, Map<String, String> configuration, List<String> jvmOptions) throws Exception {
        return await(name, jvms.start(name, KilledRunTests.NextRunTestCase.class, configuration, jvmOptions, Map.of()));
    }

    /** Runs the fixture as a test of {@code project}: in its directory, with its classes first on the class path. */
    private Run run(String name, Map<String, String> configuration, Project project) throws Exception {
        return await(
                name,
                jvms.start(
                        name,
                        KilledRunTests.NextRunTestCase.class,
                        withParentScript(configuration, project.parentScript()),
                        project.jvmOptions(),
                        Map.of(),
                        List.of(project.classes()),
                        project.workingDirectory()));
    }

    private static Map<String, String> withParentScript(Map<String, String> configuration, String script) {
        Map<String, String> all = new java.util.HashMap<>(configuration);
        all.put("lakebase.parent.staging.scripts", script);
        return all;
    }

    private static Run await(String name, ChildJvm child) throws Exception {
        ChildJvm.Report report = child.awaitReport();
        assertThat(child.awaitExit())
                .as("the %s run passes:\n%s", name, child.logTail())
                .isZero();
        return new Run(report, child.log());
    }

    private record Run(ChildJvm.Report report, String log) {

        List<String> kept() {
            return report.kept();
        }

        /** The name of the database of {@code kind} this run kept for later runs, as its log says. */
        String keptAnew(String kind) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Kept " + kind + " (\\S+) for later runs")
                    .matcher(log);
            if (!m.find()) {
                throw new AssertionError("this run kept no " + kind + ":\n" + log);
            }
            return m.group(1);
        }

        /** The name of the kept database of {@code kind}. */
        String kept(String kind) {
            return report.kept().stream()
                    .filter(k -> k.endsWith(" " + kind))
                    .map(k -> k.split(" ")[0])
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("nothing kept of kind " + kind + ": " + kept()));
        }
    }
}
