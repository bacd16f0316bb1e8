package io.github.lakebase.junit.internal.branching;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.Configuration;

/**
 * What a failed Flyway migration adds to its message about the settings it ran with. A setting that never reached
 * the library (a project keeps its Flyway settings in its build plugin's configuration, or in Spring's {@code
 * spring.flyway.*}, which only Boot's own Flyway reads) shows only as a failing statement, so every failure names
 * where the settings came from; a placeholder without a value also names the key that gives it, and the places it
 * can go.
 *
 * <pre>{@code
 * String more = FlywayFailures.explain(flywayException, settings, loader);
 * // Give the placeholder ${tenant} a value with flyway.placeholders.tenant=<value>: in src/test/resources/flyway.conf, ...
 * // Flyway's settings came from the library's defaults; not from a build plugin's configuration, ...
 * }</pre>
 */
final class FlywayFailures {

    /**
     * Flyway's message for a placeholder without a value, which shows it with its prefix and suffix: {@code "No value
     * provided for placeholder: " + prefix + name + suffix + ".  Check your configuration!"} ({@code
     * PlaceholderReplacingReader} in Flyway's sources, the same in Flyway 11 to 13). A name may hold dots.
     */
    private static final Pattern MISSING_PLACEHOLDER =
            Pattern.compile("No value provided for placeholder: (.+?)\\.\\s+Check your configuration");

    /**
     * A placeholder name that a {@code FLYWAY_PLACEHOLDERS_*} variable can give: Flyway lower-cases the variable's
     * name ({@code ConfigUtils}) and looks placeholders up whatever their case.
     */
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z0-9_]+");

    private FlywayFailures() {}

    /**
     * The lines to add to the message of {@code failure}, a migration that failed with {@code settings}: a hint for
     * a placeholder without a value, then where the settings came from.
     *
     * @param failure the failure, whose causes are looked at too
     * @param settings the settings the migration ran with, which Flyway accepted
     * @param loader the class loader the migration's Flyway was configured with
     * @return the lines, each after a line break
     */
    static String explain(Throwable failure, FlywaySettings settings, ClassLoader loader) {
        return missingPlaceholder(failure, settings.configure(Flyway.configure(loader)))
                        .map(hint -> "\n" + hint)
                        .orElse("")
                + "\nFlyway's settings came from " + settings.describeSources()
                + (settings.sources().isEmpty() ? "" : ", over the library's defaults")
                + "; not from a build plugin's configuration, nor from Spring's spring.flyway.* (docs/migrations.md, "
                + "\"Where settings come from, and which wins\").";
    }

    /**
     * A hint for a placeholder without a value, naming the key that gives it in each place it can go; the name is
     * what Flyway showed without the prefix and suffix of {@code flyway}'s placeholders, or of a script migration's.
     */
    private static Optional<String> missingPlaceholder(Throwable failure, Configuration flyway) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            Matcher m = t.getMessage() == null ? null : MISSING_PLACEHOLDER.matcher(t.getMessage());
            if (m != null && m.find()) {
                String shown = m.group(1);
                String name = unwrapped(shown, flyway.getPlaceholderPrefix(), flyway.getPlaceholderSuffix())
                        .or(() -> unwrapped(
                                shown, flyway.getScriptPlaceholderPrefix(), flyway.getScriptPlaceholderSuffix()))
                        .orElse(shown);
                String key = "flyway.placeholders." + name;
                String variable = VARIABLE_NAME.matcher(name).matches()
                        ? ", or as the environment variable FLYWAY_PLACEHOLDERS_" + name.toUpperCase(Locale.ROOT)
                        : "";
                return Optional.of("Give the placeholder " + shown + " a value with " + key + "=<value>: in "
                        + "src/test/resources/flyway.conf or src/test/resources/junit-platform.properties" + variable
                        + ". If it is text, not a placeholder, set flyway.placeholderReplacement=false, or another "
                        + "flyway.placeholderPrefix.");
            }
        }
        return Optional.empty();
    }

    /** The name inside {@code shown} when it has {@code prefix} and {@code suffix}. */
    private static Optional<String> unwrapped(String shown, String prefix, String suffix) {
        return shown.length() > prefix.length() + suffix.length() && shown.startsWith(prefix) && shown.endsWith(suffix)
                ? Optional.of(shown.substring(prefix.length(), shown.length() - suffix.length()))
                : Optional.empty();
    }
}
