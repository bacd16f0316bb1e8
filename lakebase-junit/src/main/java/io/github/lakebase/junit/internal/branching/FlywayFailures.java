package io.github.lakebase.junit.internal.branching;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.internal.configuration.ConfigUtils;

/**
 * What a failed Flyway migration adds to its message about the settings it ran with. A setting that never reached
 * the library (a project keeps its Flyway settings in its build plugin's configuration, or in an {@code
 * application.yml} that only Spring reads) shows only as a failing statement, so every failure names where the
 * settings came from and where the library reads them; a placeholder without a value also names the key that gives
 * it, in each of the places it can go.
 *
 * <pre>{@code
 * String more = FlywayFailures.explain(flywayException, settings);
 * // Give the placeholder ${tenant} a value with flyway.placeholders.tenant=<value>: in src/test/resources/flyway.conf, ...
 * // Flyway's settings came from the library's defaults. The library reads them from ... (docs/migrations.md, ...).
 * }</pre>
 */
final class FlywayFailures {

    /**
     * Flyway's message for a placeholder without a value, which names it with its prefix and suffix ({@code
     * PlaceholderReplacingReader} in Flyway's sources).
     */
    private static final Pattern MISSING_PLACEHOLDER = Pattern.compile("No value provided for placeholder: (\\S+?)\\.");

    /** A placeholder name that Flyway's {@code FLYWAY_PLACEHOLDERS_*} variables can give: it lower-cases their names. */
    private static final Pattern LOWER_CASE_NAME = Pattern.compile("[a-z0-9_]+");

    private FlywayFailures() {}

    /**
     * The lines to add to the message of {@code failure}, a migration that failed with {@code settings}: a hint for
     * a placeholder without a value, then where the settings came from.
     *
     * @param failure the failure, whose causes are looked at too
     * @param settings the settings the migration ran with
     * @return the lines, each after a line break
     */
    static String explain(Throwable failure, FlywaySettings settings) {
        return missingPlaceholder(failure, settings).map(hint -> "\n" + hint).orElse("")
                + "\nFlyway's settings came from " + settings.describeSources() + ". The library reads them, later "
                + "over earlier, from Flyway's own flyway.conf files, a flyway.conf at the root of the test class path, "
                + "the files flyway.configFiles names, FLYWAY_* environment variables, and JUnit configuration "
                + "parameters (junit-platform.properties, -D system properties); not from a build plugin's "
                + "configuration or an application.yml (see docs/migrations.md, \"Flyway's settings\").";
    }

    /** A hint for a placeholder without a value, naming the key that gives it in each place it can go. */
    private static Optional<String> missingPlaceholder(Throwable failure, FlywaySettings settings) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            Matcher m = t.getMessage() == null ? null : MISSING_PLACEHOLDER.matcher(t.getMessage());
            if (m != null && m.find()) {
                String shown = m.group(1);
                String prefix = settings.values().getOrDefault(ConfigUtils.PLACEHOLDER_PREFIX, "${");
                String suffix = settings.values().getOrDefault(ConfigUtils.PLACEHOLDER_SUFFIX, "}");
                String name = shown.startsWith(prefix) && shown.endsWith(suffix)
                        ? shown.substring(prefix.length(), shown.length() - suffix.length())
                        : shown;
                String key = "flyway.placeholders." + name;
                String variable = LOWER_CASE_NAME.matcher(name).matches()
                        ? ", as the environment variable FLYWAY_PLACEHOLDERS_" + name.toUpperCase(Locale.ROOT)
                        : "";
                return Optional.of("Give the placeholder " + shown + " a value with " + key + "=<value>: in "
                        + "src/test/resources/flyway.conf, in src/test/resources/junit-platform.properties" + variable
                        + ", or with -D" + key + "=<value>.");
            }
        }
        return Optional.empty();
    }
}
