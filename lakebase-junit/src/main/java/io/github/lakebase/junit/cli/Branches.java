package io.github.lakebase.junit.cli;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.lakebase.junit.internal.cli.BranchCommands;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The command line for branches outside tests: list what tests kept, connect to a kept branch after its
 * run, create, refresh and drop a developer branch, and sweep what dead runs left, on any provider, with
 * the project's configuration read as its tests read it ({@code junit-platform.properties} on the class
 * path, system properties, environment variables). Run it with the project's test class path, or through
 * the Maven plugin ({@code ./mvnw lakebase:list}); see {@code docs/branches-outside-tests.md}.
 *
 * <pre>
 * java -cp "$(cat cp.txt):target/test-classes" io.github.lakebase.junit.cli.Branches list
 * java -cp ... io.github.lakebase.junit.cli.Branches connect lbj_k3x9a1b_3_refund
 * java -cp ... io.github.lakebase.junit.cli.Branches create alice --from staging
 * </pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Branches {

    private Branches() {}

    /**
     * Runs one command and exits with its status: 0 when done, 1 when it failed, 2 when the command line
     * is wrong.
     *
     * @param args the command and its arguments, for example {@code create alice --from staging}
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs one command with the context class loader's class path and configuration, printing to the
     * standard streams; for a tool that embeds the command line (the Maven plugin).
     *
     * @param args the command and its arguments
     * @return 0 when done, 1 when it failed, 2 when the command line is wrong
     */
    public static int run(String[] args) {
        return run(List.of(args), Map.of(), System.out, System.err);
    }

    /**
     * Runs one command with the context class loader's class path and configuration.
     *
     * @param args the command and its arguments
     * @param parameters configuration parameters that win over the project's (as {@code -D} would), maybe none
     * @param out where results go; passwords go there only for {@code connect}, {@code create} and
     *     {@code refresh}
     * @param err where errors go
     * @return 0 when done, 1 when it failed, 2 when the command line is wrong
     */
    public static int run(List<String> args, Map<String, String> parameters, PrintStream out, PrintStream err) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return BranchCommands.run(
                args, loader == null ? Branches.class.getClassLoader() : loader, parameters, out, err);
    }

    /**
     * Ends what the commands run so far by this copy of the library (the one its class loader holds) started: closes
     * its services as the JVM's exit would, which stops the embedded server it started (unless another JVM uses it,
     * or {@code lakebase.embedded.linger} keeps it up) and lets go of the data directory's locks. Waits until that is
     * done, however long it takes. The binaries stay marked in use until the JVM exits. For a tool that runs commands
     * in one JVM with several copies of the library, each from its own class loader: the Maven plugin runs the goals
     * of each module of a build with that module's test class path, and ends one module's copy before the next
     * module's runs, which then starts the server again or joins it. A command run afterwards starts anew.
     *
     * <pre>{@code
     * Branches.run(List.of("list"), Map.of(), System.out, System.err);   // module orders
     * Branches.close();                                                    // before module billing's copy runs
     * }</pre>
     */
    public static void close() {
        BranchCommands.close();
    }
}
