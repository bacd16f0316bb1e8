package io.github.lakebase.junit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.spring.app.Item;
import io.github.lakebase.junit.spring.app.ItemRepository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What Boot's test slices must see on a branch. The slice annotations moved package in Spring
 * Boot 4, so the annotated fixture classes are declared once per Boot line ({@code SliceTests} in
 * {@code src/test/boot3} and {@code src/test/boot4}) and inherit these tests.
 */
final class SliceChecks {

    private SliceChecks() {}

    /** For {@code @DataJpaTest}: Spring Data JPA on the test's branch, with what the slice's start-up set up. */
    abstract static class DataJpa {

        @Autowired
        ItemRepository items;

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void savesAndCounts(Branch branch) {
            assertThat(jdbc.queryForObject("SELECT current_database()", String.class))
                    .isEqualTo(branch.name());
            assertThat(items.count()).isEqualTo(3);
            items.save(new Item("L800B0800S000800", 8));
            items.flush();
            assertThat(items.count()).isEqualTo(4);
        }

        @Test
        void seesWhatTheContextSetUpOnly() {
            assertThat(items.findAll())
                    .extracting(Item::getCode)
                    .containsExactlyInAnyOrderElementsOf(SpringBootTests.STARTUP_CODES);
        }
    }

    /** For {@code @JdbcTest}. */
    abstract static class Jdbc {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void queriesTheBranch(Branch branch) {
            assertThat(jdbc.queryForObject("SELECT current_database()", String.class))
                    .isEqualTo(branch.name());
            assertThat(jdbc.queryForObject("SELECT count(*) FROM inventory", Long.class))
                    .isEqualTo(3);
        }
    }
}
