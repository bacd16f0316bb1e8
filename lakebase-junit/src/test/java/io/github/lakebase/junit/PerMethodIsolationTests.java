package io.github.lakebase.junit;

import static io.github.lakebase.junit.Fixtures.count;
import static io.github.lakebase.junit.Fixtures.execute;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

class PerMethodIsolationTests {

    static final List<Branch> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void destructiveTestDoesNotReachTheNextOne() {
        SEEN.clear();
        // Dropped after its test, not restored in place for a later one (RestoreInPlaceTests).
        Fixtures.run(DestructiveTestCase.class, Map.of("lakebase.restore-in-place", "false"))
                .testEvents()
                .assertStatistics(s -> s.started(2).succeeded(2));

        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0).name()).isNotEqualTo(SEEN.get(1).name());
        assertThat(SEEN)
                .allSatisfy(b -> assertThat(Fixtures.reachable(b.jdbcUrl(), b.username(), b.password()))
                        .as("branch %s is destroyed after its test", b.name())
                        .isFalse());
    }

    @LakebaseBranch
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class DestructiveTestCase {

        @Test
        @Order(1)
        void dropsEverything(DataSource dataSource, Branch branch) throws SQLException {
            SEEN.add(branch);
            execute(dataSource, "DROP TABLE inventory");
        }

        @Test
        @Order(2)
        void seesTheMigratedParent(DataSource dataSource, Branch branch) throws SQLException {
            SEEN.add(branch);
            assertThat(count(dataSource, "SELECT count(*) FROM inventory")).isEqualTo(3);
        }
    }
}
