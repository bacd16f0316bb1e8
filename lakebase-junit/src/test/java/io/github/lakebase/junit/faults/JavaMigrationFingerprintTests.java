package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs one after another on a persistent data directory, with a Java migration that calls a helper class in
 * another package of the project's own classes: a change to the helper alone rebuilds the kept base, a run
 * without a change reuses it, and {@code lakebase.rebuild-bases=true} rebuilds it in place whatever changed.
 */
class JavaMigrationFingerprintTests {

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("java-migration-");

    @Test
    void aChangeToAClassTheMigrationUsesRebuildsTheBase() throws Exception {
        Path sources = Files.createDirectories(jvms.work().resolve("src"));
        Path classes = Files.createDirectories(jvms.work().resolve("classes"));
        write(sources.resolve("lbjfp/migration/V1__Seed.java"), """
                package lbjfp.migration;

                import java.sql.PreparedStatement;
                import org.flywaydb.core.api.migration.BaseJavaMigration;
                import org.flywaydb.core.api.migration.Context;

                public class V1__Seed extends BaseJavaMigration {
                    @Override
                    public void migrate(Context context) throws Exception {
                        context.getConnection().createStatement().execute("CREATE TABLE seed (value text)");
                        try (PreparedStatement ps =
                                context.getConnection().prepareStatement("INSERT INTO seed VALUES (?)")) {
                            ps.setString(1, lbjfp.helper.Seeds.value());
                            ps.execute();
                        }
                    }
                }
                """);
        Path helper = sources.resolve("lbjfp/helper/Seeds.java");
        write(helper, seeds("one"));
        compile(classes, sources.resolve("lbjfp/migration/V1__Seed.java"), helper);
        Map<String, String> configuration = Map.of(
                "lakebase.embedded.data-directory",
                jvms.work().resolve("pgdata").toString(),
                "lakebase.migrations",
                "classpath:lbjfp/migration");

        Run first = run("first", configuration, classes);
        assertThat(first.seed()).isEqualTo("one");
        assertThat(first.log()).contains("Built base");

        write(helper, seeds("two"));
        compile(classes, helper);
        Run changed = run("changed", configuration, classes);
        assertThat(changed.seed()).as("what the changed helper gives").isEqualTo("two");
        assertThat(changed.log()).contains("Built base").doesNotContain("Reusing base");

        Run unchanged = run("unchanged", configuration, classes);
        assertThat(unchanged.seed()).isEqualTo("two");
        assertThat(unchanged.log()).contains("Reusing base").doesNotContain("Built base");

        Map<String, String> rebuild = new java.util.HashMap<>(configuration);
        rebuild.put("lakebase.rebuild-bases", "true");
        Run rebuilt = run("rebuilt", rebuild, classes);
        assertThat(rebuilt.log()).contains("Built base").doesNotContain("Reusing base");
        assertThat(rebuilt.report().kept())
                .as("the rebuilt base, kept in the place of the one it replaces")
                .isEqualTo(unchanged.report().kept());
    }

    private static String seeds(String value) {
        return """
                package lbjfp.helper;

                public final class Seeds {
                    public static String value() {
                        return "%s";
                    }
                }
                """.formatted(value);
    }

    private static void write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static void compile(Path classes, Path... sources) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> arguments = new ArrayList<>(List.of(
                "-d",
                classes.toString(),
                "-cp",
                classes + java.io.File.pathSeparator + System.getProperty("java.class.path")));
        for (Path source : sources) {
            arguments.add(source.toString());
        }
        assertThat(compiler.run(null, null, null, arguments.toArray(String[]::new)))
                .as("javac")
                .isZero();
    }

    private Run run(String name, Map<String, String> configuration, Path classes) throws Exception {
        ChildJvm child =
                jvms.start(name, SeedTestCase.class, configuration, List.of(), Map.of(), List.of(classes), null);
        ChildJvm.Report report = child.awaitReport();
        assertThat(child.awaitExit())
                .as("the %s run passes:\n%s", name, child.logTail())
                .isZero();
        return new Run(report, child.log());
    }

    private record Run(ChildJvm.Report report, String log) {
        String seed() {
            return report.reported("seed");
        }
    }

    /** Reports what the migration seeded. */
    @LakebaseBranch
    @EnabledIfSystemProperty(named = HoldBranchesMain.CHILD_PROPERTY, matches = "true")
    static class SeedTestCase {

        @Test
        void reportsTheSeed(Branch branch) throws Exception {
            String seed;
            try (Connection c = branch.openConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT value FROM seed")) {
                rs.next();
                seed = rs.getString(1);
            }
            HoldBranchesMain.report(branch, Map.of(), Map.of("seed", seed));
        }
    }
}
