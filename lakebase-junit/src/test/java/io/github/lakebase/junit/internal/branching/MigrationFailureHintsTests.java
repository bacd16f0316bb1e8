package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

/**
 * What a failed migration's message adds about its settings, for the inputs Flyway and Liquibase really give: Flyway's
 * message for a placeholder without a value is {@code "No value provided for placeholder: " + prefix + name + suffix +
 * ".  Check your configuration!"} ({@code PlaceholderReplacingReader}, the same in Flyway 11 to 13), and its placeholders
 * are looked up whatever their case; Liquibase leaves an expression it cannot expand as written, and quotes the failed
 * statement in its error.
 */
class MigrationFailureHintsTests {

    private static final ClassLoader LOADER = MigrationFailureHintsTests.class.getClassLoader();

    private static FlywaySettings flyway(Map<String, String> values, List<String> sources) {
        return new FlywaySettings(new TreeMap<>(values), List.of(), Set.of(), sources);
    }

    private static String missing(String shown) {
        return "Unable to parse statement in V1__a.sql at line 1 col 1. No value provided for placeholder: " + shown
                + ".  Check your configuration!";
    }

    @Test
    void aPlaceholderWhoseNameHoldsADotIsNamedWhole() {
        String hint = FlywayFailures.explain(
                new FlywayException(missing("${my.tenant}")), flyway(Map.of(), List.of()), LOADER);

        assertThat(hint).contains("flyway.placeholders.my.tenant=<value>").doesNotContain("flyway.placeholders.${");
    }

    @Test
    void aPlaceholderInCapitalsCanComeFromAnEnvironmentVariableFlywayLooksPlaceholdersUpWhateverTheirCase() {
        String hint =
                FlywayFailures.explain(new FlywayException(missing("${Tenant}")), flyway(Map.of(), List.of()), LOADER);

        assertThat(hint).contains("flyway.placeholders.Tenant=<value>").contains("FLYWAY_PLACEHOLDERS_TENANT");
    }

    @Test
    void aCustomPrefixAndSuffixAreTakenOffTheName() {
        FlywaySettings settings = flyway(
                Map.of("flyway.placeholderPrefix", "#[", "flyway.placeholderSuffix", "]"), List.of("flyway.conf"));

        String hint = FlywayFailures.explain(new FlywayException(missing("#[tenant]")), settings, LOADER);

        assertThat(hint).contains("Give the placeholder #[tenant] a value with flyway.placeholders.tenant=<value>");
    }

    @Test
    void aScriptMigrationsPlaceholderIsNamedWithoutItsPrefixAndSuffix() {
        String hint = FlywayFailures.explain(
                new FlywayException(missing("FP__tenant__")), flyway(Map.of(), List.of()), LOADER);

        assertThat(hint).contains("flyway.placeholders.tenant=<value>").doesNotContain("placeholders.FP__");
    }

    @Test
    void aPlaceholderHintSaysHowToKeepTextThatIsNoPlaceholder() {
        String hint = FlywayFailures.explain(new FlywayException(missing("${x}")), flyway(Map.of(), List.of()), LOADER);

        assertThat(hint).contains("flyway.placeholderReplacement=false");
    }

    @Test
    void anyOtherFailureGetsOneLineOfWhereTheSettingsCameFrom() {
        String hint = FlywayFailures.explain(
                new FlywayException("ERROR: relation \"missing_payments\" does not exist"),
                flyway(Map.of("flyway.table", "history"), List.of("/ci/flyway.conf")),
                LOADER);

        assertThat(hint.strip().lines()).singleElement().asString().contains("/ci/flyway.conf");
        assertThat(hint).contains("the library's defaults").doesNotContain("flyway.placeholders.");
    }

    @Test
    void aLiquibaseExpressionLeftInTheSqlIsHintedAtOnceForAllNamesAndHedged() {
        SortedMap<String, String> given = new TreeMap<>(Map.of("tenant", "acme"));
        LiquibaseSettings settings = new LiquibaseSettings("", "", given);

        String hint = settings.unsetParameters("Migration failed for changeset c.xml::1::a: duplicate key "
                + "[Failed SQL: (0) INSERT INTO mail VALUES ('Hello ${firstName}, order ${order.id} for ${tenant}', "
                + "'${firstName}')]");

        assertThat(hint.strip().lines())
                .singleElement()
                .asString()
                .contains("${firstName}, ${order.id}")
                .contains("if")
                .contains("lakebase.liquibase.parameter.<name>")
                .doesNotContain("${tenant}");
    }

    @Test
    void aMessageWithoutExpressionsGetsNoLiquibaseHint() {
        assertThat(new LiquibaseSettings("", "", new TreeMap<>()).unsetParameters("ERROR: relation does not exist"))
                .isEmpty();
        assertThat(new LiquibaseSettings("", "", new TreeMap<>()).unsetParameters(null))
                .isEmpty();
    }
}
