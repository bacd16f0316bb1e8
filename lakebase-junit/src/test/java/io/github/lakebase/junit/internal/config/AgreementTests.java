package io.github.lakebase.junit.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Whether a configuration agrees with the keys a service was created with ({@link Configuration#agreesWith}): asking
 * is no use of those keys, so that a service created with this configuration afterwards records only what it read.
 */
class AgreementTests {

    @Test
    void askingWhetherItAgreesReadsNoKey() {
        Configuration config = new Configuration(
                key -> key.equals("lakebase.provider") ? Optional.of("embedded") : Optional.empty(),
                Map.of(),
                "run1",
                getClass().getClassLoader());

        assertThat(config.agreesWith(Map.of("lakebase.provider", Optional.of("embedded"))))
                .isTrue();
        assertThat(config.agreesWith(Map.of("lakebase.databricks.host", Optional.of("https://example.com"))))
                .isFalse();

        assertThat(config.readSoFar()).as("keys this configuration read").isEmpty();
    }

    @Test
    void aKeyItReadKeepsTheValueItReadWhenItIsAsked() {
        Configuration config = new Configuration(
                key -> Optional.of("2"), Map.of(), "run1", getClass().getClassLoader());
        assertThat(config.get("lakebase.prefetch")).contains("2");

        assertThat(config.agreesWith(Map.of("lakebase.prefetch", Optional.of("2"))))
                .isTrue();
        assertThat(config.readSoFar()).containsOnlyKeys("lakebase.prefetch");
    }
}
