package io.github.lakebase.benchmarks.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Times the tests of a JUnit run as the build would see them: from the moment JUnit starts a test
 * (before it creates the test's instance, marked by {@link TestStart}, before {@code @BeforeEach} and every
 * extension) to the moment it finishes (after every cleanup),
 * together with what {@link Workload} published from inside the body. Test classes are timed too.
 *
 * <pre>{@code
 * TimingListener timing = new TimingListener();
 * LauncherFactory.create().execute(request, timing);
 * List<Sample> samples = timing.tests();
 * }</pre>
 */
public final class TimingListener implements TestExecutionListener {

    private final Map<String, long[]> started = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> entries = new LinkedHashMap<>();
    private final List<Sample> tests = new ArrayList<>();
    private final List<Sample> classes = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> containerFailures = new ArrayList<>();
    private long databaseBytes;
    private String serverVersion = "";
    private long firstBodyWallMillis;
    private final Map<String, Double> values = new LinkedHashMap<>();

    @Override
    public synchronized void executionStarted(TestIdentifier id) {
        long now = System.nanoTime();
        // JUnit creates a test's instance before it reports the test as started: a test starts at that mark.
        long mark = id.isTest() ? TestStart.take() : 0;
        started.put(id.getUniqueId(), new long[] {mark > 0 && mark <= now ? mark : now});
    }

    @Override
    public synchronized void executionSkipped(TestIdentifier id, String reason) {
        TestStart.take();
        if (id.isTest()) {
            skipped.add(reason);
        }
    }

    @Override
    public synchronized void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        entries.computeIfAbsent(id.getUniqueId(), k -> new LinkedHashMap<>()).putAll(entry.getKeyValuePairs());
        entry.getKeyValuePairs().forEach((key, value) -> {
            if (key.startsWith(Workload.VALUE_PREFIX)) {
                values.put(key.substring(Workload.VALUE_PREFIX.length()), Double.valueOf(value));
            }
        });
    }

    @Override
    public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
        long finished = System.nanoTime();
        long[] start = started.remove(id.getUniqueId());
        if (start == null) {
            return;
        }
        String failure = result.getThrowable()
                .map(TimingListener::describe)
                .orElse(
                        result.getStatus() == TestExecutionResult.Status.SUCCESSFUL
                                ? null
                                : result.getStatus().toString());
        Map<String, String> values = entries.getOrDefault(id.getUniqueId(), Map.of());
        long bodyStarted = Long.parseLong(values.getOrDefault(Workload.BODY_START, "0"));
        long bodyEnded = Long.parseLong(values.getOrDefault(Workload.BODY_END, "0"));
        long work = Long.parseLong(values.getOrDefault(Workload.WORK, "0"));
        if (values.containsKey(Workload.DATABASE_BYTES)) {
            databaseBytes = Long.parseLong(values.get(Workload.DATABASE_BYTES));
            serverVersion = values.getOrDefault(Workload.SERVER_VERSION, "");
        }
        if (firstBodyWallMillis == 0 && values.containsKey(Workload.BODY_START_WALL)) {
            firstBodyWallMillis = Long.parseLong(values.get(Workload.BODY_START_WALL));
        }
        Sample sample = new Sample(start[0], finished, bodyStarted, bodyEnded, work, failure);
        if (!id.isTest() && failure != null) {
            containerFailures.add(id.getDisplayName() + ": " + failure);
        }
        if (id.isTest()) {
            tests.add(sample);
        } else if (id.getSource()
                .filter(s -> s instanceof org.junit.platform.engine.support.descriptor.ClassSource)
                .isPresent()) {
            classes.add(sample);
        }
    }

    static String describe(Throwable t) {
        StringBuilder s = new StringBuilder(t.toString());
        for (Throwable cause = t.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            s.append(" <- ").append(cause);
        }
        return s.toString();
    }

    /** The tests, in the order they finished. */
    public synchronized List<Sample> tests() {
        return List.copyOf(tests);
    }

    /** The test classes, in the order they finished. */
    public synchronized List<Sample> classes() {
        return List.copyOf(classes);
    }

    /** Why test classes or other containers failed (a Spring context that did not start, say). */
    public synchronized List<String> containerFailures() {
        return List.copyOf(containerFailures);
    }

    /** Why tests were skipped (the cell's time was spent, say). */
    public synchronized List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** The size of a test's database as the first test saw it, or 0. */
    public synchronized long databaseBytes() {
        return databaseBytes;
    }

    /** The PostgreSQL version the first test saw, or "". */
    public synchronized String serverVersion() {
        return serverVersion;
    }

    /** What the tests published besides times ({@link Workload#VALUE_PREFIX}), by name. */
    public synchronized Map<String, Double> values() {
        return Map.copyOf(values);
    }

    /** When (epoch milliseconds) the first test's body started, or 0. */
    public synchronized long firstBodyWallMillis() {
        return firstBodyWallMillis;
    }
}
