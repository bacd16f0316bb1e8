package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.execute;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** {@link Branch#reset()} brings a branch back to its migrated parent, in place. */
class ResetTests {

    static final List<String> URLS = new CopyOnWriteArrayList<>();

    @Test
    void resetRestoresTheMigratedStateUnderTheSameNameAndUrl() {
        URLS.clear();
        Fixtures.assertAllSucceeded(Fixtures.run(ResetTestCase.class), 1);

        assertThat(URLS).hasSize(2);
        assertThat(URLS.get(0)).isEqualTo(URLS.get(1));
    }

    @LakebaseBranch
    static class ResetTestCase {
        @Test
        void resetAfterDamage(Branch branch, DataSource dataSource) throws SQLException {
            URLS.add(branch.jdbcUrl());
            execute(dataSource, "DROP TABLE inventory");
            Connection held = branch.openConnection();

            branch.reset();

            URLS.add(branch.jdbcUrl());
            assertThat(count(dataSource, "SELECT count(*) FROM inventory"))
                    .as("the pool works after reset")
                    .isEqualTo(3);
            try (Connection fresh = branch.openConnection()) {
                assertThat(count(fresh, "SELECT count(*) FROM inventory")).isEqualTo(3);
            }
            assertThat(held.isValid(2))
                    .as("a connection from before the reset is ended")
                    .isFalse();
            held.close();
        }
    }
}
