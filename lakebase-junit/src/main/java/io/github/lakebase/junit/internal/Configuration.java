package io.github.lakebase.junit.internal;

import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
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

    static final String DEFAULT_PREFIX = "lbj_";
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,11}");

    private final Function<String, Optional<String>> parameters;
    private final Map<String, String> environment;
    private final String runId;
    private final ClassLoader classLoader;
    private final Map<String, Optional<String>> read = new ConcurrentHashMap<>();

    public Configuration(
            Function<String, Optional<String>> parameters,
            Map<String, String> environment,
            String runId,
            ClassLoader classLoader) {
        this.parameters = parameters;
        this.environment = environment;
        this.runId = runId;
        this.classLoader = classLoader;
    }

    @Override
    public Optional<String> get(String key) {
        return read.computeIfAbsent(
                key,
                k -> parameters
                        .apply(k)
                        .or(() -> Optional.ofNullable(environment.get(ProviderContext.environmentVariable(k))))
                        .map(String::trim)
                        .filter(v -> !v.isEmpty()));
    }

    /**
     * The keys read so far and their values, to recognise an equal configuration later.
     *
     * @return a sorted copy
     */
    Map<String, Optional<String>> readSoFar() {
        return new TreeMap<>(read);
    }

    /**
     * Whether this configuration gives the same values for every key of {@code other}.
     *
     * @param keys keys and the values another configuration had
     * @return {@code true} when all agree
     */
    boolean agreesWith(Map<String, Optional<String>> keys) {
        return keys.entrySet().stream().allMatch(e -> get(e.getKey()).equals(e.getValue()));
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

    String providerId() {
        return get(PROVIDER).map(v -> v.toLowerCase(Locale.ROOT)).orElse("embedded");
    }

    CleanupMode defaultCleanup() {
        return enumValue(CLEANUP, CleanupMode.class, CleanupMode.ALWAYS, CleanupMode.DEFAULT);
    }

    int poolMaximumSize() {
        return intValue(POOL_MAXIMUM_SIZE, 8, 1, 1000);
    }

    /**
     * How many branches to fork ahead per fork source ({@code lakebase.prefetch}); 0 turns prefetching off.
     *
     * @param providerDefault what the provider chooses when the key is not set
     */
    int prefetch(int providerDefault) {
        return intValue(PREFETCH, providerDefault, 0, 16);
    }

    boolean disabledWhenUnavailable() {
        return booleanValue(DISABLED_WHEN_UNAVAILABLE, false);
    }

    List<String> list(String key) {
        return get(key).map(v -> Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList())
                .orElse(List.of());
    }

    /**
     * An integer value within bounds.
     *
     * @param key the key
     * @param defaultValue used when the key is absent
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @return the value
     */
    public int intValue(String key, int defaultValue, int min, int max) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProviderException.configuration(key + "='" + raw.get() + "' is not a whole number between " + min
                + " and " + max + " (the default is " + defaultValue + ").");
    }

    /**
     * A {@code true}/{@code false} value.
     *
     * @param key the key
     * @param defaultValue used when the key is absent
     * @return the value
     */
    public boolean booleanValue(String key, boolean defaultValue) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ProviderException.configuration(key + "='" + raw.get() + "' must be true or false.");
        };
    }

    /**
     * A duration such as {@code 30s}, {@code 5m}, {@code 250ms} or ISO-8601 {@code PT30S}.
     *
     * @param key the key
     * @param defaultValue used when the key is absent
     * @return the value
     */
    public Duration durationValue(String key, Duration defaultValue) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String v = raw.get().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(raw.get().toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(
                        Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1).trim());
            switch (v.charAt(v.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                case 'd':
                    return Duration.ofDays(amount);
                default:
                    break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException ignored) {
            // reported below
        }
        throw ProviderException.configuration(
                key + "='" + raw.get() + "' is not a duration: write it as 30s, 5m, " + "2h, 250ms or PT30S.");
    }

    /**
     * A value of an enum, case-insensitive.
     *
     * @param key the key
     * @param type the enum
     * @param defaultValue used when the key is absent
     * @param excluded values that are not allowed here
     * @param <E> the enum type
     * @return the value
     */
    @SafeVarargs
    public final <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue, E... excluded) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        List<E> allowed = Arrays.stream(type.getEnumConstants())
                .filter(e -> !Arrays.asList(excluded).contains(e))
                .toList();
        return allowed.stream()
                .filter(e -> e.name().equalsIgnoreCase(raw.get().replace('-', '_')))
                .findFirst()
                .orElseThrow(() -> ProviderException.configuration(key + "='" + raw.get() + "' is not one of "
                        + allowed.stream().map(Enum::name).toList() + "."));
    }
}
