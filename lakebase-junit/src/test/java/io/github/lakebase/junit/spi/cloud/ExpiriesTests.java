package io.github.lakebase.junit.spi.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExpiriesTests {

    private static final Duration MOST = Duration.ofMinutes(2);

    @Test
    void aHeartbeatBeatsFourTimesPerExpiry() {
        assertThat(Expiries.heartbeatInterval(Duration.ofSeconds(10), MOST)).isEqualTo(Duration.ofMillis(2_500));
        assertThat(Expiries.heartbeatInterval(Duration.ofMinutes(8), MOST)).isEqualTo(MOST);
    }

    @Test
    void aHeartbeatNeverWaitsLongerThanOtherRunsExpect() {
        assertThat(Expiries.heartbeatInterval(Duration.ofHours(1), MOST)).isEqualTo(MOST);
        assertThat(Expiries.heartbeatInterval(Duration.ofDays(1), MOST)).isEqualTo(MOST);
    }
}
