package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.integration.BaseEvent;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A listener on the class path is told of each base a run builds, once, with what went into it. */
class BaseEventsTests {

    @Test
    void aBuiltBaseIsReportedOnceWithItsParentMigrationsAndBuildTime() {
        Fixtures.assertAllSucceeded(Fixtures.run(TwoTestsTestCase.class), 2);

        assertThat(RecordingBaseListener.EVENTS)
                .filteredOn(e -> e.migrations().contains("classpath:migrations/events"))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.parent()).isEqualTo("template1");
                    assertThat(event.applied()).isEqualTo(2);
                    assertThat(event.reused()).isFalse();
                    assertThat(event.buildTime()).isPositive();
                    assertThat(event.name()).contains("_base_");
                })
                .extracting(BaseEvent::migrations)
                .isEqualTo(java.util.List.of("classpath:migrations/events"));
    }

    @LakebaseBranch(migrations = "classpath:migrations/events")
    static class TwoTestsTestCase {
        @Test
        void first(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM event_log"))
                    .isEqualTo(1);
        }

        @Test
        void second(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM event_log"))
                    .isEqualTo(1);
        }
    }
}
