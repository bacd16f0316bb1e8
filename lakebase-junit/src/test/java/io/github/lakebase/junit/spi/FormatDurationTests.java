package io.github.lakebase.junit.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FormatDurationTests {

    @Test
    void writesTheLargestUnitThatMeasuresTheDurationExactly() {
        assertThat(ProviderContext.formatDuration(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(ProviderContext.formatDuration(Duration.ofHours(36))).isEqualTo("36h");
        assertThat(ProviderContext.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ProviderContext.formatDuration(Duration.ofMinutes(15))).isEqualTo("15m");
        assertThat(ProviderContext.formatDuration(Duration.ofMillis(1_250))).isEqualTo("1250ms");
        assertThat(ProviderContext.formatDuration(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void getDurationReadsEveryTextBackToTheSameDuration() {
        for (Duration d : List.of(
                Duration.ZERO,
                Duration.ofDays(30),
                Duration.ofHours(2),
                Duration.ofMinutes(90),
                Duration.ofSeconds(61),
                Duration.ofMillis(250),
                Duration.ofNanos(1_500),
                Duration.ofSeconds(-30))) {
            assertThat(context(ProviderContext.formatDuration(d)).getDuration("k", Duration.ofDays(1)))
                    .as("%s", d)
                    .isEqualTo(d);
        }
    }

    private static ProviderContext context(String value) {
        Map<String, String> values = Map.of("k", value);
        return new ProviderContext() {
            @Override
            public Optional<String> get(String key) {
                return Optional.ofNullable(values.get(key));
            }

            @Override
            public String runId() {
                return "r";
            }

            @Override
            public String branchPrefix() {
                return "lbj";
            }

            @Override
            public ClassLoader classLoader() {
                return getClass().getClassLoader();
            }
        };
    }
}
