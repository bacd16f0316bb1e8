package io.github.lakebase.junit.internal.config;

import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The library's view of its configuration: JUnit configuration parameters first (they include
 * {@code -D} system properties and {@code junit-platform.properties}), then environment variables
 * ({@code lakebase.provider} is {@code LAKEBASE_PROVIDER}). Every key read is remembered, so that a
 * provider built from one configuration is reused only for a configuration that agrees on them.
 */
public final class Configuration implements ProviderContext {

    public static final String PROVIDER = "lakebase.provider";
    public static final String FROM = "lakebase.from";
    public static final String MIGRATIONS = "lakebase.migrations";
    public static final String CLEANUP = "lakebase.cleanup";
    public static final String BRANCH_PREFIX = "lakebase.branch-prefix";
    public static final String PARENTS = "lakebase.parents";
    public static final String POOL_MAXIMUM_SIZE = "lakebase.pool.maximum-size";
    public static final String DISABLED_WHEN_UNAVAILABLE = "lakebase.disabled-when-unavailable";
    public static final String PREFETCH = "lakebase.prefetch";
    public static final String RESTORE_IN_PLACE = "lakebase.restore-in-place";
    public static final String REBUILD_BASES = "lakebase.rebuild-bases";
    public static final String MODULE_DIRECTORY = "lakebase.module-directory";
    public static final String REPORT_ENABLED = "lakebase.report.enabled";
    public static final String REPORT_DIRECTORY = "lakebase.report.directory";
    public static final String REPORT_BUILD_ID = "lakebase.report.build-id";
    public static final String CHECK_IDEMPOTENCY = "lakebase.migrations.check-idempotency";
    public static final String LIQUIBASE_CONTEXTS = "lakebase.liquibase.contexts";
    public static final String LIQUIBASE_LABELS = "lakebase.liquibase.labels";
    public static final String LIQUIBASE_PARAMETER = "lakebase.liquibase.parameter.";

    static final String DEFAULT_PREFIX = "lbj_";
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,11}");

    private final Function<String, Optional<String>> parameters;
    private final Map<String, String> environment;
    private final String runId;
    private final ClassLoader classLoader;
    private final Map<String, Optional<String>> read = new ConcurrentHashMap<>();
    /** What {@link #perRun} worked out, shared by the configurations of one run; {@code null} for none. */
    private final Map<Object, Object> run;
    /** Told when the provider created with this configuration says that its server starts empty. */
    private volatile Runnable startsEmpty = () -> {};

    public Configuration(
            Function<String, Optional<String>> parameters,
            Map<String, String> environment,
            String runId,
            ClassLoader classLoader) {
        this(parameters, environment, runId, classLoader, null);
    }

    /**
     * A configuration of one JUnit run: {@code run} is shared by every configuration of that run, whose
     * parameters and environment are the same (their class loaders may differ), and holds what {@link
     * #perRun} works out.
     */
    public Configuration(
            Function<String, Optional<String>> parameters,
            Map<String, String> environment,
            String runId,
            ClassLoader classLoader,
            Map<Object, Object> run) {
        this.parameters = parameters;
        this.environment = environment;
        this.runId = runId;
        this.classLoader = classLoader;
        this.run = run;
    }

    /**
     * This configuration as a new one of the same run, which has read no key yet: for work done ahead of time (the
     * reading of a test's migrations while its server starts) whose keys must not count among those this one read
     * ({@link #readSoFar}), with which a service may yet be created.
     *
     * @return a configuration with the same parameters, environment, run id, class loader and per-run values
     */
    public Configuration unread() {
        return new Configuration(parameters, environment, runId, classLoader, run);
    }

    /**
     * A value worked out from this configuration once per JUnit run (the plan of a test's migrations, say,
     * which reads Flyway's configuration files): the configurations of one run share it. Outside a run
     * (the command line) it is worked out at every call. A failure is not remembered: a caller that waited for
     * one works the value out again. System properties set while the run goes on are not seen by a value worked
     * out before. The value is worked out outside the run's map, so that a long one (the digest of a project's
     * migrations) holds up only the callers that ask for the same key.
     *
     * @param key what the value is, with everything else it depends on: the class loader, when it reads
     *     the class path, since the configurations of one run may have different ones
     * @param compute works the value out, returning no {@code null} and not asking for the value of {@code key}
     * @param <T> the value's type
     * @return the value
     * @throws NullPointerException if {@code compute} returns {@code null}
     */
    @SuppressWarnings("unchecked")
    public <T> T perRun(Object key, java.util.function.Supplier<T> compute) {
        if (run == null) {
            return compute.get();
        }
        while (true) {
            java.util.concurrent.CompletableFuture<Object> mine = new java.util.concurrent.CompletableFuture<>();
            Object existing = run.putIfAbsent(key, mine);
            if (existing == null) {
                try {
                    mine.complete(java.util.Objects.requireNonNull(compute.get(), "perRun value"));
                    return (T) mine.join();
                } catch (RuntimeException | Error e) {
                    run.remove(key, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
            }
            try {
                return (T) ((java.util.concurrent.CompletableFuture<Object>) existing).join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                // the caller that worked it out failed, and took its entry away: try again
            }
        }
    }

    /**
     * Has {@code action} run when the provider created with this configuration says that its server starts empty
     * ({@link #serverStartsEmpty}), in place of what was set before.
     *
     * @param action what to run, on the thread that calls {@link #serverStartsEmpty} (the provider's creation)
     */
    public void whenServerStartsEmpty(Runnable action) {
        this.startsEmpty = java.util.Objects.requireNonNull(action);
    }

    @Override
    public void serverStartsEmpty() {
        startsEmpty.run();
    }

    @Override
    public Optional<String> get(String key) {
        return read.computeIfAbsent(key, this::lookUp);
    }

    /** The value of {@code key}, not recorded as read. */
    private Optional<String> lookUp(String key) {
        return parameters
                .apply(key)
                .or(() -> Optional.ofNullable(environment.get(ProviderContext.environmentVariable(key))))
                .map(String::trim)
                .filter(v -> !v.isEmpty());
    }

    /**
     * A JUnit configuration parameter as it is written, empty values included, without looking at the
     * environment and without remembering it: for settings that the library hands to another tool (Flyway's
     * {@code flyway.*} keys), which reads the environment by its own rules.
     *
     * @param key the parameter's name
     * @return its value, or empty when it is not set
     */
    public Optional<String> parameter(String key) {
        return parameters.apply(key);
    }

    /**
     * The names of the JUnit configuration parameters that start with {@code prefix}, as far as they can be
     * known: JUnit lets an extension ask for a parameter by name only, so the names come from the system
     * properties, {@code junit-platform.properties} and the launchers of this JVM ({@link LaunchedParameters}).
     * A name here may have no value in this test's configuration; ask {@link #parameter(String)}.
     *
     * @param prefix for example {@code "flyway."}
     * @return the names found
     */
    public java.util.Set<String> parameterNames(String prefix) {
        return ParameterNames.names(prefix, classLoader);
    }

    /**
     * The environment variables this configuration sees.
     *
     * @return an unmodifiable view
     */
    public Map<String, String> environment() {
        return java.util.Collections.unmodifiableMap(environment);
    }

    /**
     * The keys read so far and their values, to recognise an equal configuration later.
     *
     * @return a sorted copy
     */
    public Map<String, Optional<String>> readSoFar() {
        return new TreeMap<>(read);
    }

    /**
     * Whether this configuration gives the same values for every key of {@code other}. Asking reads no key: the keys
     * looked up here do not count among those this configuration read ({@link #readSoFar}), so that a service
     * created with it afterwards is not told of another's keys; a key it read gives the value it read.
     *
     * @param keys keys and the values another configuration had
     * @return {@code true} when all agree
     */
    public boolean agreesWith(Map<String, Optional<String>> keys) {
        return keys.entrySet().stream()
                .allMatch(e -> Optional.ofNullable(read.get(e.getKey()))
                        .orElseGet(() -> lookUp(e.getKey()))
                        .equals(e.getValue()));
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public String branchPrefix() {
        String prefix = get(BRANCH_PREFIX).orElse(DEFAULT_PREFIX);
        if (!PREFIX.matcher(prefix).matches()) {
            throw ProviderException.configuration(
                    BRANCH_PREFIX + "='" + prefix + "' is not a valid prefix: use 1 to 12 "
                            + "lowercase letters, digits and underscores, starting with a letter (the default is '"
                            + DEFAULT_PREFIX + "').");
        }
        return prefix;
    }

    @Override
    public ClassLoader classLoader() {
        return classLoader;
    }

    public String providerId() {
        return get(PROVIDER).map(v -> v.toLowerCase(Locale.ROOT)).orElse("embedded");
    }

    public CleanupMode defaultCleanup() {
        return getEnum(CLEANUP, CleanupMode.class, CleanupMode.ALWAYS, List.of(CleanupMode.DEFAULT));
    }

    public int poolMaximumSize() {
        return getInt(POOL_MAXIMUM_SIZE, 8, 1, 1000);
    }

    /**
     * Whether a branch whose test changed only rows is restored in place and handed to a later test, instead
     * of dropped and forked again ({@code lakebase.restore-in-place}): empty when not set, which means yes
     * where the provider can.
     */
    public Optional<Boolean> restoreInPlace() {
        return get(RESTORE_IN_PLACE).isEmpty() ? Optional.empty() : Optional.of(getBoolean(RESTORE_IN_PLACE, true));
    }

    /**
     * How many branches to fork ahead per fork source ({@code lakebase.prefetch}); 0 turns prefetching off.
     *
     * @param providerDefault what the provider chooses when the key is not set
     */
    public int prefetch(int providerDefault) {
        return getInt(PREFETCH, providerDefault, 0, 16);
    }

    public boolean disabledWhenUnavailable() {
        return getBoolean(DISABLED_WHEN_UNAVAILABLE, false);
    }

    /**
     * Where the run report goes ({@value #REPORT_DIRECTORY}, default {@code target/lakebase}, against the module's base
     * directory: Maven's {@code basedir}, else the working directory), or empty when the report is off ({@value
     * #REPORT_ENABLED}).
     *
     * @return the absolute directory
     */
    public Optional<Path> reportDirectory() {
        if (!getBoolean(REPORT_ENABLED, true)) {
            return Optional.empty();
        }
        return Optional.of(moduleDirectory()
                .resolve(get(REPORT_DIRECTORY).orElse("target/lakebase"))
                .normalize());
    }

    /**
     * The directory of the module whose tests run ({@value #MODULE_DIRECTORY}), else Maven's {@code basedir} (Surefire
     * and Failsafe set it), else the working directory (Gradle's test task, an IDE).
     *
     * @return the absolute, normalized directory
     */
    public Path moduleDirectory() {
        return Path.of(get(MODULE_DIRECTORY).orElseGet(() -> System.getProperty("basedir", "")))
                .toAbsolutePath()
                .normalize();
    }
}
