package io.github.lakebase.junit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.app.InventoryApplication;
import io.github.lakebase.junit.spring.app.Item;
import io.github.lakebase.junit.spring.app.ItemRepository;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

/**
 * Boot's test slices replace the DataSource with an embedded database (and fail without one on the
 * class path): with @LakebaseBranch they use the test's branch instead, with nothing else declared,
 * and with what the slice's start-up (Flyway, {@code spring.sql.init}) set up.
 * The slice annotations moved package in Spring Boot 4, so this class exists once per Boot line.
 */
class SliceTests {

    @Test
    void dataJpaTestRunsOnTheTestsBranch() {
        assertAllSucceeded(SpringFixtures.run(DataJpaTestCase.class), 2);
    }

    @Test
    void jdbcTestRunsOnTheTestsBranch() {
        assertAllSucceeded(SpringFixtures.run(JdbcTestCase.class), 1);
    }

    @DataJpaTest
    @ContextConfiguration(classes = InventoryApplication.class)
    @LakebaseBranch
    static class DataJpaTestCase {

        @Autowired ItemRepository items;
        @Autowired JdbcTemplate jdbc;

        @Test
        void savesAndDeletes(Branch branch) {
            assertThat(jdbc.queryForObject("SELECT current_database()", String.class)).isEqualTo(branch.name());
            assertThat(items.count()).isEqualTo(3);
            items.save(new Item("L800B0800S000800", 8));
            items.flush();
            assertThat(items.count()).isEqualTo(4);
        }

        @Test
        void seesWhatTheContextSetUpOnly() {
            assertThat(items.findAll()).extracting(Item::getCode)
                    .containsExactlyInAnyOrderElementsOf(SpringBootTests.STARTUP_CODES);
        }
    }

    @JdbcTest
    @ContextConfiguration(classes = InventoryApplication.class)
    @LakebaseBranch
    static class JdbcTestCase {

        @Autowired JdbcTemplate jdbc;

        @Test
        void queriesTheBranch(Branch branch) {
            assertThat(jdbc.queryForObject("SELECT current_database()", String.class)).isEqualTo(branch.name());
            assertThat(jdbc.queryForObject("SELECT count(*) FROM inventory", Long.class)).isEqualTo(3);
        }
    }
}
