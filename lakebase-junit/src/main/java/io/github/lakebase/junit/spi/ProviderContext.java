package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What a {@link BranchProvider} is given: the configuration and the identity of the run.
 *
 * <pre>{@code
 * String url = context.required("lakebase.postgres.url");
 * int maxConnections = context.getInt("lakebase.embedded.max-connections", 300, 10, 10_000);
 * Duration ttl = context.getDuration("lakebase.databricks.branch-ttl", Duration.ofHours(2));
 * }</pre>
 *
 * <p>Every value is read once and remembered for the run; the methods may be called from any thread.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface ProviderContext {

    /**
     * How long a branch kept for a failed test ({@code CleanupMode.ON_SUCCESS}) lives, on every provider: one
     * whose branches expire gives it that expiry (and to one kept by {@code NEVER}), capped by what the
     * service allows; one whose branches do not expire records it with the branch, and its sweep drops the
     * branch after it ({@link BranchProvider#keep(String, KeptBranch)}).
     */
    String KEPT_TTL = "lakebase.kept-ttl";

    /**
     * A configuration value: a JUnit configuration parameter (which includes {@code -D} system
     * properties and {@code junit-platform.properties}), else the environment variable named after
     * the key ({@code lakebase.postgres.url} is {@code LAKEBASE_POSTGRES_URL}).
     *
     * @param key the configuration key
     * @return the trimmed, non-blank value
     */
    Optional<String> get(String key);

    /**
     * Says that the server this provider is starting keeps nothing from an earlier run: a new cluster or container,
     * with no base, parent or spare kept, so that the run's first test builds its base. Where the run's migrations
     * are Flyway's, the library then loads Flyway in the background while the server starts, rather than on the first
     * test's path once it is up (its first configuration in a JVM takes about half a second on a 2-core machine; a run
     * that migrates with Liquibase, or has no migrations, loads nothing ahead). A hint only: a provider
     * that never calls it works the same, and one that calls it wrongly costs that load. Called from {@link
     * BranchProviderFactory#create}, before the server accepts connections; a call after {@code create} has returned
     * is ignored. The default does nothing.
     *
     * <pre>{@code
     * if (!Files.exists(dataDirectory.resolve("PG_VERSION"))) {
     *     context.serverStartsEmpty(); // initdb follows
     * }
     * }</pre>
     */
    default void serverStartsEmpty() {}

    /**
     * A configuration value that must be present.
     *
     * @param key the configuration key
     * @return the value
     * @throws ProviderException a configuration error naming the key, when absent
     */
    default String required(String key) {
        return get(key).orElseThrow(() ->
                ProviderException.configuration("The configuration key '" + key + "' is required by lakebase.provider="
                        + get("lakebase.provider").orElse("embedded") + "; set it in junit-platform.properties, "
                        + "as -D" + key + "=..., or as the environment variable "
                        + ProviderContext.environmentVariable(key) + "."));
    }

    /**
     * The id of this run, unique among live runs, recorded on every branch the run creates.
     *
     * @return a short lowercase id
     */
    String runId();

    /**
     * The prefix of every branch name the library creates ({@code lakebase.branch-prefix}).
     *
     * @return the prefix
     */
    String branchPrefix();

    /**
     * How the library names the branches of this run: a provider that parses names (a sweep, say) asks
     * here instead of repeating the rules.
     *
     * @return the run's names
     */
    default BranchNames names() {
        return new BranchNames(branchPrefix(), runId());
    }

    /**
     * How long a kept branch lives ({@link #KEPT_TTL}), for a provider whose branches expire.
     *
     * @param min the shortest value the provider accepts
     * @param max the longest value the provider accepts
     * @return the value, 7 days when absent
     * @throws ProviderException a configuration error naming the key and the range, when out of range
     */
    default Duration keptTtl(Duration min, Duration max) {
        Duration value = getDuration(KEPT_TTL, Duration.ofDays(7));
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw ProviderException.configuration(KEPT_TTL + "=" + get(KEPT_TTL).orElse("") + " is out of range for "
                    + "lakebase.provider=" + get("lakebase.provider").orElse("embedded") + ": use a duration from "
                    + formatDuration(min) + " to " + formatDuration(max) + " (the default is 7d).");
        }
        return value;
    }

    /**
     * A duration within a range, for a setting whose service accepts only some (an expiry, a timeout).
     *
     * <pre>{@code
     * Duration ttl = context.getDuration("lakebase.neon.branch-ttl", Duration.ofHours(1), Duration.ofSeconds(2),
     *         Duration.ofDays(1));
     * }</pre>
     *
     * @param key the key
     * @param defaultValue used when the key is absent
     * @param min the shortest accepted, inclusive
     * @param max the longest accepted, inclusive
     * @return the value
     * @throws ProviderException a configuration error with the range and the default, when out of range or not a
     *     duration
     */
    default Duration getDuration(String key, Duration defaultValue, Duration min, Duration max) {
        Duration value = getDuration(key, defaultValue);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw ProviderException.configuration(key + "=" + get(key).orElse("") + " is out of range: use a duration "
                    + "from " + formatDuration(min) + " to " + formatDuration(max) + " (the default is "
                    + formatDuration(defaultValue)
                    + ").");
        }
        return value;
    }

    /**
     * A duration as the configuration writes it, for a message that names a setting's value: the largest unit
     * that measures it exactly, so that {@link #getDuration(String, Duration)} reads the text back to the same
     * duration.
     *
     * <pre>{@code
     * ProviderContext.formatDuration(Duration.ofDays(7));        // "7d"
     * ProviderContext.formatDuration(Duration.ofMinutes(90));    // "90m"
     * ProviderContext.formatDuration(Duration.ofMillis(250));    // "250ms"
     * ProviderContext.formatDuration(Duration.ofNanos(1_500));   // "PT0.0000015S"
     * }</pre>
     *
     * @param d any duration; zero is {@code 0s}
     * @return {@code d} in days ({@code d}), hours ({@code h}), minutes ({@code m}), seconds ({@code s}) or
     *     milliseconds ({@code ms}), or in ISO-8601 when it has a part smaller than a millisecond
     */
    static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toNanosPart() % 1_000_000 != 0) {
            return d.toString();
        }
        if (d.toNanosPart() != 0) {
            return d.toMillis() + "ms";
        }
        long seconds = d.toSeconds();
        if (seconds % 86_400 == 0) {
            return d.toDays() + "d";
        }
        if (seconds % 3_600 == 0) {
            return d.toHours() + "h";
        }
        return seconds % 60 == 0 ? d.toMinutes() + "m" : seconds + "s";
    }

    /**
     * The class loader to load user classes (parent initializers) and resources from.
     *
     * @return the test class loader
     */
    ClassLoader classLoader();

    /**
     * A comma-separated list.
     *
     * @param key the key
     * @return the trimmed, non-empty items, empty when the key is absent
     */
    default List<String> getList(String key) {
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
     * @throws ProviderException a configuration error naming the key and the range, when out of range
     */
    default int getInt(String key, int defaultValue, int min, int max) {
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
     * @throws ProviderException a configuration error, when neither true nor false
     */
    default boolean getBoolean(String key, boolean defaultValue) {
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
     * @throws ProviderException a configuration error with the accepted forms, when not a duration
     */
    default Duration getDuration(String key, Duration defaultValue) {
        Optional<String> raw = get(key);
        return raw.isEmpty() ? defaultValue : parseDuration(key, raw.get());
    }

    /**
     * Reads a duration written as configuration takes it: {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d},
     * {@code 250ms} or ISO-8601 {@code PT30S}; the counterpart of {@link #formatDuration(Duration)}.
     *
     * <pre>{@code
     * Duration age = ProviderContext.parseDuration("--older-than", "7d");   // PT168H
     * }</pre>
     *
     * @param what what the text is the value of (a key, an option), for the message
     * @param text the text
     * @return the duration
     * @throws ProviderException a configuration error with the accepted forms, when not a duration
     */
    static Duration parseDuration(String what, String text) {
        String v = text.toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
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
                what + "='" + text + "' is not a duration: write it as 30s, 5m, " + "2h, 250ms or PT30S.");
    }

    /**
     * A value of an enum, case-insensitive.
     *
     * @param key the key
     * @param type the enum
     * @param defaultValue used when the key is absent
     * @param excluded values that are not allowed here, maybe none
     * @param <E> the enum type
     * @return the value
     * @throws ProviderException a configuration error listing the allowed values, when not one of them
     */
    default <E extends Enum<E>> E getEnum(String key, Class<E> type, E defaultValue, List<E> excluded) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        List<E> allowed = Arrays.stream(type.getEnumConstants())
                .filter(e -> !excluded.contains(e))
                .toList();
        return allowed.stream()
                .filter(e -> e.name().equalsIgnoreCase(raw.get().replace('-', '_')))
                .findFirst()
                .orElseThrow(() -> ProviderException.configuration(key + "='" + raw.get() + "' is not one of "
                        + allowed.stream().map(Enum::name).toList() + "."));
    }

    /**
     * The environment variable that stands for a configuration key.
     *
     * @param key a key such as {@code lakebase.embedded.data-directory}
     * @return {@code LAKEBASE_EMBEDDED_DATA_DIRECTORY}
     */
    static String environmentVariable(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
