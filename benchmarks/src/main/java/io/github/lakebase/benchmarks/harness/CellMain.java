package io.github.lakebase.benchmarks.harness;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectIteration;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Measures one {@link Cell} in this JVM: runs its suite through the JUnit Platform launcher, as a build
 * would, with a {@link TimingListener}, and writes a {@link CellResult}. The benchmark starts one JVM
 * per cell, so that no server, pool or cache of one approach outlives its cell.
 *
 * <pre>{@code
 * java -cp ... io.github.lakebase.benchmarks.harness.CellMain cell.json result.json
 * }</pre>
 */
public final class CellMain {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CellMain() {}

    /**
     * Entry point.
     *
     * @param args the cell's JSON file and the file to write the result to
     * @throws Exception when the result cannot be written
     */
    public static void main(String[] args) throws Exception {
        Cell cell = JSON.readValue(Path.of(args[0]).toFile(), Cell.class);
        long start = System.nanoTime();
        TimingListener timing = new TimingListener();
        Launcher launcher = LauncherFactory.create();
        String unavailable = cell.approach().usesZonkyServer() ? zonkyUnavailable() : null;
        if (unavailable != null) {
            System.err.println("Skipped: " + unavailable);
        } else if (cell.kind() == Cell.Kind.PER_TEST && cell.approach() == Approach.CLUSTER_PER_CLASS) {
            CellBudget.start(cell.minimumTests() + 1, cell.budgetSeconds());
            for (int i = 0; i <= cell.tests() && (i <= cell.minimumTests() || !CellBudget.spent()); i++) {
                launcher.execute(request(selectClass(cell.approach().suite())), timing);
            }
        } else if (cell.kind() == Cell.Kind.PER_TEST) {
            CellBudget.start(cell.minimumTests() + 1, cell.budgetSeconds());
            launcher.execute(request(repetitions(cell.approach().suite(), cell.tests() + 1)), timing);
        } else {
            CellBudget.start(Integer.MAX_VALUE, 3600); // a startup cell runs its two tests whatever the time
            launcher.execute(request(repetitions(cell.approach().suite(), 2)), timing);
        }
        List<Sample> tests = cell.approach() == Approach.CLUSTER_PER_CLASS && cell.kind() == Cell.Kind.PER_TEST
                ? timing.classes()
                : timing.tests();
        String error = timing.containerFailures().isEmpty()
                ? null
                : timing.containerFailures().get(0);
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
                timing.skipped(),
                timing.databaseBytes(),
                timing.serverVersion(),
                firstTest,
                jvmToFirstTest,
                unavailable,
                error,
                (System.nanoTime() - start) / 1e9);
        JSON.writerWithDefaultPrettyPrinter().writeValue(Path.of(args[1]).toFile(), result);
        for (Sample s : tests) {
            if (!s.succeeded()) {
                System.err.println("FAILED: " + s.failure());
            }
        }
        System.exit(0); // the embedded servers stop in shutdown hooks
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
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static DiscoverySelector repetitions(Class<?> suite, int count) {
        Method test = Arrays.stream(suite.getDeclaredMethods())
                .filter(m -> m.getName().equals("test"))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(suite + " has no method test"));
        return selectIteration(
                selectMethod(suite, test), IntStream.range(0, count).toArray());
    }

    private static LauncherDiscoveryRequest request(DiscoverySelector selector) {
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(selector)
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .build();
    }
}
