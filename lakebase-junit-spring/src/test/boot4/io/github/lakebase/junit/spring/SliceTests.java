package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.app.InventoryApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * Boot's test slices replace the DataSource with an embedded database (and fail without one on the
 * class path): with {@code @LakebaseBranch} they use the test's branch instead, with nothing else
 * declared. The tests are in {@link SliceChecks}; this class declares the slices of its Boot line.
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
    static class DataJpaTestCase extends SliceChecks.DataJpa {}

    @JdbcTest
    @ContextConfiguration(classes = InventoryApplication.class)
    @LakebaseBranch
    static class JdbcTestCase extends SliceChecks.Jdbc {}
}
