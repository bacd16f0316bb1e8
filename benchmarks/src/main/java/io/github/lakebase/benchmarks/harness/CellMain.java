package io.github.lakebase.benchmarks.harness;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectIteration;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lakebase.benchmarks.migration.V1__Fill;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Measures one {@link Cell} in this JVM: runs its suite through the JUnit Platform launcher, as a build
 * would, with a {@link TimingListener}, and writes a {@link CellResult}. The benchmark starts one JVM
 * per cell (or {@link Cell#forks()} at once), so that no server, pool or cache of one approach outlives
 * its cell.
 *
 * <pre>{@code
 * java -cp ... io.github.lakebase.benchmarks.harness.CellMain cell.properties result.json [fork]
 * }</pre>
 *
 * <p>The benchmark passes the cell's {@link Cell#systemProperties()} on the command line; a JVM started without
 * them ({@code benchmarks/cell.sh}) sets them itself before the first test.
 */
public final class CellMain {

    /** How long the JVMs of a cell wait for each other to be warm before they measure together. */
    private static final long FORKS_TIMEOUT_MS = 15 * 60_000;

    private CellMain() {}

    /**
     * Entry point.
     *
     * @param args the cell's properties ({@link Cell#toProperties}), the file to write the result to, and which of
     *     the cell's JVMs this is (from 0; optional)
     * @throws Exception when the result cannot be written
     */
    public static void main(String[] args) throws Exception {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
            properties.load(in);
        }
        Cell cell = Cell.fromProperties(properties);
        // Run again by hand (benchmarks/cell.sh), the JVM has none of the system properties the benchmark gives it.
        cell.systemProperties().forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
        int fork = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        long start = System.nanoTime();
        TimingListener timing = new TimingListener();
        Launcher launcher = LauncherFactory.create();
        String unavailable = cell.approach().usesZonkyServer() ? zonkyUnavailable() : null;
        String error = null;
        long[] window = {0, 0};
        int warmUps = cell.kind() == Cell.Kind.MEMORY ? 0 : 1;
        Class<?> suite = cell.approach().suite();
        if (unavailable != null) {
            System.err.println("Skipped: " + unavailable);
        } else if ((error = prelude(launcher, cell.approach().prelude())) != null) {
            System.err.println("FAILED: " + error);
        } else if (cell.kind() == Cell.Kind.PER_TEST && cell.approach() == Approach.CLUSTER_PER_CLASS) {
            CellBudget.start(cell.minimumTests() + 1, cell.budgetSeconds());
            for (int i = 0; i <= cell.tests() && (i <= cell.minimumTests() || !CellBudget.spent()); i++) {
                launcher.execute(request(selectClass(suite), 1), timing);
                if (i + 1 == warmUps) {
                    WarmUpWrites.sync();
                }
            }
        } else if (cell.kind() == Cell.Kind.PER_TEST) {
            CellBudget.start(cell.minimumTests() + 1, cell.budgetSeconds());
            launcher.execute(request(repetitions(suite, 0, cell.tests() + 1), 1), new WarmUpWrites(warmUps), timing);
        } else if (cell.kind() == Cell.Kind.THROUGHPUT) {
            window = throughput(launcher, cell, fork, timing);
        } else if (cell.kind() == Cell.Kind.MEMORY) {
            CellBudget.start(Integer.MAX_VALUE, 3600);
            launcher.execute(request(repetitions(suite, 0, cell.branches().size()), 1), timing);
        } else {
            CellBudget.start(Integer.MAX_VALUE, 3600); // a startup cell runs its two tests whatever the time
            launcher.execute(request(repetitions(suite, 0, 2), 1), timing);
        }
        List<Sample> tests = cell.approach() == Approach.CLUSTER_PER_CLASS && cell.kind() == Cell.Kind.PER_TEST
                ? timing.classes()
                : timing.tests();
        if (error == null && !timing.containerFailures().isEmpty()) {
            error = timing.containerFailures().get(0);
        }
        double firstTest = Double.NaN;
        double jvmToFirstTest = Double.NaN;
        if (!timing.tests().isEmpty()
                && !timing.classes().isEmpty()
                && timing.tests().get(0).bodyStarted() > 0) {
            firstTest = (timing.tests().get(0).bodyStarted()
                            - timing.classes().get(0).started())
                    / 1e6;
            jvmToFirstTest = timing.firstBodyWallMillis()
                    - ManagementFactory.getRuntimeMXBean().getStartTime();
        }
        CellResult result = new CellResult(
                cell,
                tests,
                Math.min(warmUps, tests.size()),
                timing.skipped(),
                timing.databaseBytes(),
                timing.serverVersion(),
                firstTest,
                jvmToFirstTest,
                window[0],
                window[1],
                values(timing),
                unavailable,
                error,
                (System.nanoTime() - start) / 1e9);
        // The JSON mapper is made only now, after the tests: one made before them would spare the library under test
        // its own mapper's first use.
        new ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValue(Path.of(args[1]).toFile(), result);
        for (Sample s : tests) {
            if (!s.succeeded()) {
                System.err.println("FAILED: " + s.failure());
            }
        }
        System.exit(0); // the embedded servers stop in shutdown hooks
    }

    /**
     * Tests per second: a warm-up test (server, base, Spring context) alone, then, once every JVM of the cell
     * is warm, this JVM's share of the tests in {@link Cell#threads()} threads.
     *
     * @return when (epoch milliseconds) the measured tests began and when they had all ended
     */
    private static long[] throughput(Launcher launcher, Cell cell, int fork, TimingListener timing)
            throws IOException, InterruptedException {
        Class<?> suite = cell.approach().suite();
        CellBudget.start(Integer.MAX_VALUE, 3600);
        launcher.execute(request(repetitions(suite, 0, 1), 1), timing);
        awaitForks(cell, fork);
        int share = (cell.tests() + cell.forks() - 1) / cell.forks();
        CellBudget.start((cell.minimumTests() + cell.forks() - 1) / cell.forks(), cell.budgetSeconds());
        long from = System.currentTimeMillis();
        launcher.execute(request(repetitions(suite, 1, share), cell.threads()), timing);
        return new long[] {from, System.currentTimeMillis()};
    }

    /** Says that this JVM is warm, and waits until every JVM of the cell is, so that they measure together. */
    private static void awaitForks(Cell cell, int fork) throws IOException, InterruptedException {
        if (cell.forks() <= 1) {
            return;
        }
        Path directory = Path.of(cell.directory());
        Files.writeString(directory.resolve("fork-" + fork + ".ready"), "");
        long deadline = System.currentTimeMillis() + FORKS_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            try (Stream<Path> files = Files.list(directory)) {
                if (files.filter(p -> p.getFileName().toString().endsWith(".ready"))
                                .count()
                        >= cell.forks()) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        System.err.println("The other JVMs of the cell were not ready in time; measuring alone");
    }

    /** What the suite reported besides times, and how long the fill migration took in this JVM, if it ran here. */
    private static Map<String, Double> values(TimingListener timing) {
        Map<String, Double> values = new LinkedHashMap<>(timing.values());
        if (!Double.isNaN(V1__Fill.lastMillis())) {
            values.put(V1__Fill.MILLIS_VALUE, V1__Fill.lastMillis());
        }
        if (!Double.isNaN(WarmUpWrites.lastMillis())) {
            values.put(WarmUpWrites.MILLIS_VALUE, WarmUpWrites.lastMillis());
        }
        return values;
    }

    /** Runs the class that prepares what the suite needs; why it failed, or {@code null}. */
    private static String prelude(Launcher launcher, Class<?> prelude) {
        if (prelude == null) {
            return null;
        }
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request(selectClass(prelude), 1), listener);
        TestExecutionSummary summary = listener.getSummary();
        if (!summary.getFailures().isEmpty()) {
            return prelude.getSimpleName() + " failed: "
                    + TimingListener.describe(summary.getFailures().get(0).getException());
        }
        return summary.getTestsSucceededCount() > 0 ? null : prelude.getSimpleName() + " ran no test";
    }

    /**
     * Why zonky's embedded PostgreSQL cannot run here, or {@code null}. PostgreSQL refuses to run as root;
     * zonky then runs it through {@code unshare -U}, which works only where user namespaces are allowed.
     */
    static String zonkyUnavailable() {
        if (!"0".equals(output("id", "-u"))) {
            return null;
        }
        String uid = output("unshare", "-U", "id", "-u");
        if (uid != null && !uid.equals("0")) {
            return null;
        }
        return "zonky's embedded PostgreSQL cannot run here: the benchmark runs as root, PostgreSQL refuses to, and "
                + "'unshare -U' (zonky's way around it) is not allowed on this machine. Run benchmarks/run.sh as a "
                + "non-root user to measure it.";
    }

    private static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The repetitions {@code from} to {@code from + count - 1} of the suite's repeated method {@code test}. */
    private static DiscoverySelector repetitions(Class<?> suite, int from, int count) {
        Method test = Stream.<Class<?>>iterate(suite, c -> c != null && c != Object.class, Class::getSuperclass)
                .flatMap(c -> Arrays.stream(c.getDeclaredMethods()))
                .filter(m -> m.getName().equals("test"))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(suite + " has no method test"));
        return selectIteration(
                selectMethod(suite, test), IntStream.range(from, from + count).toArray());
    }

    private static LauncherDiscoveryRequest request(DiscoverySelector selector, int threads) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selector)
                .configurationParameter("junit.jupiter.execution.parallel.enabled", Boolean.toString(threads > 1));
        if (threads > 1) {
            String n = Integer.toString(threads);
            request.configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                    .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                    .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", n)
                    .configurationParameter("junit.jupiter.execution.parallel.config.fixed.max-pool-size", n);
        }
        return request.build();
    }
}
