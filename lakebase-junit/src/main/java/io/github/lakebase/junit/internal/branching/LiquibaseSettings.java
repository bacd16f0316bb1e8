package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.config.Configuration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a Liquibase update of a base is given besides its changelogs: the contexts, the label filter and the
 * changelog parameters. Each is read from the library's key, else from Liquibase's own name for it, so that a
 * project's existing settings work as they are:
 *
 * <ul>
 *   <li>contexts: {@code lakebase.liquibase.contexts}, else {@code liquibase.command.contexts} (a JUnit
 *       configuration parameter or {@code -D} system property), else {@code LIQUIBASE_COMMAND_CONTEXTS};
 *   <li>labels: {@code lakebase.liquibase.labels}, else {@code liquibase.command.labelFilter}, else {@code
 *       LIQUIBASE_COMMAND_LABEL_FILTER};
 *   <li>parameters: {@code lakebase.liquibase.parameter.<name>}, from any source JUnit reads.
 * </ul>
 *
 * Every value is part of what makes a base that base. This class names no Liquibase type, so that it loads
 * without Liquibase on the class path.
 *
 * <pre>{@code
 * LiquibaseSettings settings = LiquibaseSettings.load(config);   // contexts "test", parameters {tenant=acme}
 * }</pre>
 *
 * @param contexts the context expression, empty for none
 * @param labels the label filter expression, empty for none
 * @param parameters the changelog parameters, by name
 */
record LiquibaseSettings(String contexts, String labels, SortedMap<String, String> parameters) {

    /**
     * A changelog parameter as Liquibase leaves it in a statement when it has no value ({@code
     * ChangeLogParameters.expandExpressions} keeps an expression it cannot expand as written).
     */
    private static final Pattern PARAMETER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)}");

    /** The settings of a test with configuration {@code config}. */
    static LiquibaseSettings load(Configuration config) {
        SortedMap<String, String> parameters = new TreeMap<>();
        for (String key : config.parameterNames(Configuration.LIQUIBASE_PARAMETER)) {
            String name = key.substring(Configuration.LIQUIBASE_PARAMETER.length());
            if (!name.isEmpty()) {
                config.parameter(key).ifPresent(value -> parameters.put(name, value));
            }
        }
        return new LiquibaseSettings(
                setting(config, Configuration.LIQUIBASE_CONTEXTS, "liquibase.command.contexts"),
                setting(config, Configuration.LIQUIBASE_LABELS, "liquibase.command.labelFilter"),
                Collections.unmodifiableSortedMap(parameters));
    }

    /** The library's key, else Liquibase's as a parameter or system property, else its environment variable. */
    private static String setting(Configuration config, String key, String liquibaseKey) {
        String variable = "LIQUIBASE_"
                + liquibaseKey
                        .substring("liquibase.".length())
                        .replaceAll("([a-z])([A-Z])", "$1_$2")
                        .replace('.', '_')
                        .toUpperCase(java.util.Locale.ROOT);
        return config.get(key)
                .or(() -> config.parameter(liquibaseKey).map(String::trim))
                .or(() ->
                        Optional.ofNullable(config.environment().get(variable)).map(String::trim))
                .orElse("");
    }

    /** The settings as a fingerprint takes them, in a fixed order. */
    SortedMap<String, String> fingerprinted() {
        SortedMap<String, String> all = new TreeMap<>();
        all.put("liquibase.contexts", contexts);
        all.put("liquibase.labels", labels);
        parameters.forEach((name, value) -> all.put("liquibase.parameter." + name, value));
        return all;
    }

    /**
     * For the message of a changeset that failed with {@code message}: the expressions it still holds as written
     * ({@code ${name}}, which Liquibase leaves in a statement when it has no value, and quotes in its error as
     * {@code [Failed SQL: ...]}) whose names these settings give no value, and the key that would give one. Such an
     * expression may be meant as text (a template the rows hold), so the hint says "if".
     *
     * @param message the failure's message; null for none
     * @return one line of hint, after a line break; empty when the message holds no such expression
     */
    String unsetParameters(String message) {
        Matcher m = PARAMETER.matcher(message == null ? "" : message);
        Set<String> unset = new LinkedHashSet<>(); // their names
        while (m.find()) {
            if (parameters.keySet().stream().noneMatch(m.group(1)::equalsIgnoreCase)) { // Liquibase ignores case
                unset.add(m.group(1));
            }
        }
        if (unset.isEmpty()) {
            return "";
        }
        boolean one = unset.size() == 1;
        String key = Configuration.LIQUIBASE_PARAMETER + (one ? unset.iterator().next() : "<name>");
        return "\nThe failed changeset holds "
                + unset.stream().map(name -> "${" + name + "}").collect(Collectors.joining(", ")) + ": if "
                + (one
                        ? "it is meant as a changelog parameter, it has"
                        : "they are meant as changelog parameters, they have")
                + " no value. Give " + (one ? "it" : "each") + " one with " + key + "=<value> (in "
                + "src/test/resources/junit-platform.properties), or with a <property> in the changelog that this run's "
                + "contexts, labels and database select; see docs/migrations.md, \"Contexts, labels and changelog "
                + "parameters\".";
    }

    /** For messages: what was set ({@code contexts 'test', no labels, parameters [tenant]}). */
    String describe() {
        return (contexts.isEmpty() ? "no contexts" : "contexts '" + contexts + "'")
                + (labels.isEmpty() ? ", no labels" : ", labels '" + labels + "'")
                + (parameters.isEmpty() ? ", no parameters" : ", parameters " + parameters.keySet());
    }
}
