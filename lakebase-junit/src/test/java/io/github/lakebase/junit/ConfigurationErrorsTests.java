package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed or contradictory configuration fails with an ExtensionConfigurationException that names
 * the key, the bad value and what a good one looks like.
 */
class ConfigurationErrorsTests {

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of(
                        Map.of("lakebase.cleanup", "sometimes"),
                        new String[] {"lakebase.cleanup='sometimes'", "ALWAYS", "ON_SUCCESS", "NEVER"}),
                Arguments.of(
                        Map.of("lakebase.cleanup", "default"), new String[] {"lakebase.cleanup='default'", "ALWAYS"}),
                Arguments.of(
                        Map.of("lakebase.pool.maximum-size", "0"),
                        new String[] {"lakebase.pool.maximum-size='0'", "between 1 and 1000"}),
                Arguments.of(
                        Map.of("lakebase.pool.maximum-size", "many"),
                        new String[] {"lakebase.pool.maximum-size='many'", "whole number"}),
                Arguments.of(
                        Map.of("lakebase.branch-prefix", "Test-"),
                        new String[] {"lakebase.branch-prefix='Test-'", "lowercase letters"}),
                Arguments.of(
                        Map.of("lakebase.disabled-when-unavailable", "yes"),
                        new String[] {"lakebase.disabled-when-unavailable='yes'", "true or false"}),
                Arguments.of(
                        Map.of("lakebase.embedded.settings", "work_mem"),
                        new String[] {"lakebase.embedded.settings", "name=value", "'work_mem' has no '='"}),
                Arguments.of(
                        Map.of("lakebase.prefetch", "-1"), new String[] {"lakebase.prefetch='-1'", "between 0 and 16"}),
                Arguments.of(
                        Map.of("lakebase.prefetch", "off"),
                        new String[] {"lakebase.prefetch='off'", "whole number", "the default is 2"}),
                Arguments.of(
                        Map.of("lakebase.embedded.linger", "2d"),
                        new String[] {"lakebase.embedded.linger=2d", "from 0s to 1d", "the default is 0s"}),
                Arguments.of(
                        Map.of("lakebase.embedded.max-connections", "3"),
                        new String[] {"lakebase.embedded.max-connections='3'", "between 10 and 10000"}),
                Arguments.of(
                        Map.of("lakebase.provider", "postgres"),
                        new String[] {"'lakebase.postgres.url' is required", "LAKEBASE_POSTGRES_URL"}),
                Arguments.of(
                        Map.of("lakebase.provider", "postgres", "lakebase.postgres.url", "localhost:5432"),
                        new String[] {"lakebase.postgres.url", "jdbc:postgresql://"}),
                Arguments.of(
                        Map.of("lakebase.parents", "staging"),
                        new String[] {"'staging' is listed in lakebase.parents", "lakebase.parent.staging.scripts"}),
                Arguments.of(
                        Map.of(
                                "lakebase.parents",
                                "staging",
                                "lakebase.parent.staging.initializer",
                                "com.example.Missing"),
                        new String[] {"com.example.Missing", "not on the test class path"}),
                Arguments.of(
                        Map.of(
                                "lakebase.parents",
                                "staging",
                                "lakebase.parent.staging.initializer",
                                String.class.getName()),
                        new String[] {"java.lang.String", "does not implement", ParentInitializer.class.getName()}),
                Arguments.of(
                        Map.of(
                                "lakebase.parents",
                                "staging",
                                "lakebase.parent.staging.scripts",
                                "classpath:parents/nowhere.sql"),
                        new String[] {"classpath:parents/nowhere.sql", "not on the test class path"}),
                Arguments.of(
                        Map.of("lakebase.migrations", "classpath:db/nowhere"),
                        new String[] {"classpath:db/nowhere", "does not exist"}));
    }

    @ParameterizedTest
    @MethodSource("badConfigurations")
    void saysWhatIsWrongAndWhatToChange(Map<String, String> configuration, String[] expected) {
        Map<String, String> withParent = new java.util.HashMap<>(configuration);
        if (configuration.containsKey("lakebase.parents")) {
            withParent.put("lakebase.from", "staging");
        }
        var results = Fixtures.run(ValidTestCase.class, withParent);

        assertThat(Fixtures.onlyConfigurationError(results).getMessage()).contains(expected);
    }

    static class ValidTestCase {
        @org.junit.jupiter.api.Test
        @LakebaseBranch
        void test(DataSource dataSource) {}
    }
}
