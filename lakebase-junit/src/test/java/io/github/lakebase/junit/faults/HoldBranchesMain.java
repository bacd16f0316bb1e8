package io.github.lakebase.junit.faults;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.lakebase.junit.Branch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * A test JVM for {@link KilledRunTests} to kill: runs one fixture class through the JUnit Platform
 * launcher, as a build would, with the configuration parameters given, and exits with 0 only when
 * every test of it passed. The fixture reports the branches it sees with {@link #report}.
 *
 * <pre>java -cp &lt;test class path&gt; -Dlakebase.faults.child=true io.github.lakebase.junit.faults.HoldBranchesMain
 *     &lt;fixture class&gt; &lt;report file&gt; [key=value ...]</pre>
 */
public final class HoldBranchesMain {

    /** Set on the child JVM's command line, so that the fixtures run nowhere else. */
    static final String CHILD_PROPERTY = "lakebase.faults.child";

    private static final Pattern COMMENT = Pattern.compile("lakebase-junit run=(\\S+) kind=(\\S+)(?: .*)?");
    private static final Pattern KEPT = Pattern.compile("lakebase-junit cache=\\S+ slot=\\S+ kind=(\\S+) used=\\S+");
    private static volatile Path reportFile;

    private HoldBranchesMain() {}

    public static void main(String[] args) throws Exception {
        Class<?> fixture = Class.forName(args[0]);
        reportFile = Path.of(args[1]);
        Map<String, String> configuration = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            configuration.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(fixture))
                .configurationParameters(configuration)
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        summary.printTo(new PrintWriter(System.out, true));
        summary.printFailuresTo(new PrintWriter(System.out, true), 30);
        System.exit(summary.getTotalFailureCount() == 0 && summary.getTestsSucceededCount() > 0 ? 0 : 1);
    }

    /**
     * Writes the report of a fixture, all at once: the data directory of the server, the run id of this
     * JVM, every database on the server that carries the library's comment as {@code database <name>
     * <run> <kind>}, every base and parent kept for later runs as {@code kept <name> <kind>}, the JDBC URL of the server's {@code postgres} database, the {@code roles} as
     * {@code role <role> <database>}, and last {@code ready}.
     *
     * @param branch any branch of this run, to reach the server with
     * @param roles what the fixture calls its branches
     */
    static void report(Branch branch, Map<String, String> roles) throws SQLException, IOException {
        report(branch, roles, "");
    }

    /** Writes a report as {@link #report(Branch, Map)} does, under another {@code name} when a fixture makes several. */
    static void report(Branch branch, Map<String, String> roles, String name) throws SQLException, IOException {
        report(branch, roles, Map.of(), name);
    }

    /** Writes a report as {@link #report(Branch, Map)} does, with {@code values} the fixture found, as {@code value <key> <value>}. */
    static void report(Branch branch, Map<String, String> roles, Map<String, String> values)
            throws SQLException, IOException {
        report(branch, roles, values, "");
    }

    private static void report(Branch branch, Map<String, String> roles, Map<String, String> values, String name)
            throws SQLException, IOException {
        List<String> lines = new ArrayList<>();
        try (Connection c = branch.openConnection();
                Statement s = c.createStatement()) {
            lines.add("datadir " + single(s, "SHOW data_directory"));
            Matcher own = COMMENT.matcher(single(
                    s,
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                            + "WHERE datname = current_database()"));
            if (!own.matches()) {
                throw new IllegalStateException("the branch has no comment of the library");
            }
            lines.add("run " + own.group(1));
            try (ResultSet rs = s.executeQuery("SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database "
                    + "WHERE shobj_description(oid, 'pg_database') LIKE 'lakebase-junit run=%' ORDER BY datname")) {
                while (rs.next()) {
                    Matcher m = COMMENT.matcher(rs.getString(2));
                    if (m.matches()) {
                        lines.add("database " + rs.getString(1) + " " + m.group(1) + " " + m.group(2));
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database "
                    + "WHERE shobj_description(oid, 'pg_database') LIKE 'lakebase-junit cache=%' ORDER BY datname")) {
                while (rs.next()) {
                    Matcher m = KEPT.matcher(rs.getString(2));
                    if (m.matches()) {
                        lines.add("kept " + rs.getString(1) + " " + m.group(1));
                    }
                }
            }
        }
        lines.add("url " + branch.jdbcUrl().replace("/" + branch.name(), "/postgres"));
        roles.forEach((role, database) -> lines.add("role " + role + " " + database));
        values.forEach((key, value) -> lines.add("value " + key + " " + value));
        lines.add("ready");
        Path file = reportFile(reportFile, name);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.write(partial, lines);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The file of the report {@code name} beside the main one ({@code name} empty). */
    static Path reportFile(Path main, String name) {
        return name.isEmpty() ? main : main.resolveSibling(main.getFileName() + "." + name);
    }

    /** Waits (at most five minutes) until the test lets the fixture go on with {@link ChildJvm#go(String)}. */
    static void awaitGo(String signal) throws InterruptedException {
        Path go = reportFile(reportFile, "go-" + signal);
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(5).toNanos();
        while (!Files.exists(go) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * Waits (at most a minute) until the run of {@code branch} has {@code count} spares, the branches it
     * forks ahead for tests to come: once it has, it forks no more until a test takes one. They are its branches
     * other than {@code branch} and {@code others}, which its tests hold: recorded as spares, or as test branches
     * where they are connected ahead.
     */
    static void awaitSpares(Branch branch, int count, Branch... others) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + ChildJvm.TIMEOUT.toNanos();
        try (Connection c = branch.openConnection();
                Statement s = c.createStatement()) {
            String own = single(
                            s,
                            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                    + "WHERE datname = current_database()")
                    .replaceAll(" kind=.*", "");
            StringBuilder held = new StringBuilder("'" + branch.name() + "'");
            for (Branch other : others) {
                held.append(", '").append(other.name()).append("'");
            }
            String sql = "SELECT count(*) FROM pg_database WHERE shobj_description(oid, 'pg_database') IN ('" + own
                    + " kind=spare', '" + own + " kind=branch') AND datname NOT IN (" + held + ")";
            while (Integer.parseInt(single(s, sql)) < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
