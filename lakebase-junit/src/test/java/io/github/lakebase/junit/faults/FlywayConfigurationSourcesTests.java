package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every place Flyway takes its settings from reaches the migrations of a base, in a JVM of its own (the
 * environment, system properties, the working directory and the home directory are the JVM's): the default
 * configuration files in the home and working directories, a {@code flyway.conf} on the class path, the files
 * {@code flyway.configFiles} names, {@code FLYWAY_*} environment variables, and JUnit configuration parameters
 * from {@code junit-platform.properties}, {@code -D} system properties and the launcher. Each placeholder but one is
 * set in two neighbouring places, so that the one that wins shows the order.
 */
class FlywayConfigurationSourcesTests {

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("flyway-sources-");

    @Test
    void everySourceReachesFlywayAndTheMoreSpecificOneWins() throws Exception {
        Path home = Files.createDirectories(jvms.work().resolve("home"));
        Files.writeString(
                home.resolve("flyway.conf"),
                "flyway.placeholders.p_home=home\nflyway.placeholders.p_cwd=home\nflyway.table=history_from_home\n");
        Path cwd = Files.createDirectories(jvms.work().resolve("cwd"));
        Files.writeString(
                cwd.resolve("flyway.conf"), "flyway.placeholders.p_cwd=cwd\nflyway.placeholders.p_classpath=cwd\n");
        Path classPath = Files.createDirectories(jvms.work().resolve("classpath"));
        Files.writeString(
                classPath.resolve("flyway.conf"),
                "flyway.placeholders.p_classpath=classpath\nflyway.placeholders.p_files=classpath\n");
        Files.writeString(
                classPath.resolve("junit-platform.properties"),
                "flyway.placeholders.p_properties=properties\nflyway.placeholders.p_system=properties\n");
        Path files = Files.writeString(
                jvms.work().resolve("ci.conf"), "flyway.placeholders.p_files=files\nflyway.placeholders.p_env=files\n");

        ChildJvm child = jvms.start(
                "sources",
                SourcesTestCase.class,
                Map.of(
                        "flyway.configFiles", files.toString(),
                        "flyway.placeholders.p_launcher", "launcher",
                        "flyway.placeholders.p_given", "given"),
                List.of(
                        "-Duser.home=" + home,
                        "-Dflyway.placeholders.p_system=system",
                        "-Dflyway.placeholders.p_launcher=system"),
                Map.of(
                        "FLYWAY_PLACEHOLDERS_P_ENV", "env",
                        "FLYWAY_PLACEHOLDERS_P_PROPERTIES", "env",
                        "FLYWAY_TABLE", "history_from_env"),
                List.of(classPath),
                cwd);
        ChildJvm.Report report = child.awaitReport();
        assertThat(child.awaitExit()).as("the run passes:\n%s", child.logTail()).isZero();

        for (String source : List.of("home", "cwd", "classpath", "files", "env", "properties", "system", "launcher")) {
            assertThat(report.reported("p_" + source))
                    .as("placeholder p_" + source)
                    .isEqualTo(source);
        }
        assertThat(report.reported("p_given"))
                .as("a placeholder given to the launcher alone")
                .isEqualTo("given");
        assertThat(report.reported("history")).isEqualTo("history_from_env");
    }

    /**
     * A Maven build passes its {@code -D} properties to the test JVM as system properties (Surefire does), and the
     * Flyway Maven and Gradle plugins have properties of their own under {@code flyway.} that are no Flyway setting:
     * {@code flyway.version} above all, which Spring Boot's dependency management reads to override the Flyway it
     * manages. Flyway's own plugins drop them before they configure Flyway, which would refuse them as unknown
     * ({@code AbstractFlywayMojo.removeMavenPluginSpecificPropertiesToAvoidWarnings}, {@code
     * AbstractFlywayTask.removeGradlePluginSpecificPropertiesToAvoidWarnings}); so does the library.
     */
    @Test
    void theFlywayBuildPluginsOwnPropertiesAreNoFlywaySettings() throws Exception {
        ChildJvm child = jvms.start(
                "plugin-properties",
                BuildPropertiesTestCase.class,
                Map.of("lakebase.rebuild-bases", "true"), // its log line, also where an earlier run kept the base
                List.of(
                        "-Dflyway.version=11.14.1",
                        "-Dflyway.skip=false",
                        "-Dflyway.serverId=production-db",
                        "-Dflyway.current=true",
                        "-Dflyway.workingDirectory=" + jvms.work()),
                Map.of("FLYWAY_TABLE", "history_from_env"));
        ChildJvm.Report report = child.awaitReport();
        assertThat(child.awaitExit()).as("the run passes:\n%s", child.logTail()).isZero();
        assertThat(report.reported("history"))
                .as("a Flyway setting beside them still reaches Flyway")
                .isEqualTo("history_from_env");
        assertThat(child.log())
                .as("the base's log line names the sources that gave settings, not those that gave only dropped keys")
                .contains("(Flyway settings from FLYWAY_* environment variables)");
    }

    /** Reports the name of the base's history table. */
    @LakebaseBranch(migrations = "classpath:migrations/orders")
    @EnabledIfSystemProperty(named = HoldBranchesMain.CHILD_PROPERTY, matches = "true")
    static class BuildPropertiesTestCase {

        @Test
        void reportsTheHistoryTable(Branch branch) throws Exception {
            try (Connection c = branch.openConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT string_agg(tablename, ',') FROM pg_tables WHERE tablename LIKE 'history_from_%'")) {
                rs.next();
                HoldBranchesMain.report(branch, Map.of(), Map.of("history", rs.getString(1)));
            }
        }
    }

    /** Reports the value each placeholder had when the base was migrated, and the history table's name. */
    @LakebaseBranch(migrations = "classpath:migrations/sources")
    @EnabledIfSystemProperty(named = HoldBranchesMain.CHILD_PROPERTY, matches = "true")
    static class SourcesTestCase {

        @Test
        void reportsThePlaceholders(Branch branch) throws Exception {
            Map<String, String> values = new LinkedHashMap<>();
            try (Connection c = branch.openConnection();
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT placeholder, value FROM source")) {
                    while (rs.next()) {
                        values.put(rs.getString(1), rs.getString(2));
                    }
                }
                try (ResultSet rs = s.executeQuery(
                        "SELECT string_agg(tablename, ',') FROM pg_tables WHERE tablename LIKE 'history_from_%'")) {
                    rs.next();
                    values.put("history", rs.getString(1));
                }
            }
            HoldBranchesMain.report(branch, Map.of(), values);
        }
    }
}
