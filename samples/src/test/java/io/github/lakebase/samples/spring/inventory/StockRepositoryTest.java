package io.github.lakebase.samples.spring.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.samples.inventory.ProductionInventory;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The Spring Boot version of the story. {@code @SpringBootTest} starts the application once; Boot's
 * Flyway migrates a copy of the production parent to release 2 while it starts, and every test gets
 * a branch of that: it commits what it likes (no {@code @Transactional} rollback), and the next test
 * starts from the migrated production data again. {@code application.properties} still names the
 * production server; it is never contacted.
 */
@SpringBootTest
@LakebaseBranch(from = ProductionInventory.NAME)
@TestMethodOrder(MethodOrderer.MethodName.class)
class StockRepositoryTest {

    @Autowired
    StockRepository stock;

    @Test
    void a_writesOffTheBusiestLocation(Branch branch) {
        String busiest = stock.busiestLocations(1).get(0);
        long items = stock.itemsAt(busiest);

        int removed = stock.writeOff(busiest);

        assertThat(removed).isEqualTo(items).isPositive();
        assertThat(stock.itemsAt(busiest)).isZero();
        assertThat(stock.database()).isEqualTo(branch.name());
        System.out.printf(
                "[spring] branch %s of production, migrated to release 2 by Boot's Flyway: wrote off "
                        + "%,d items at %s, committed%n",
                branch.name(), removed, busiest);
    }

    @Test
    void b_startsFromTheMigratedProductionDataAgain(Branch branch) {
        String busiest = stock.busiestLocations(1).get(0);

        assertThat(stock.itemsAt(busiest)).isPositive();
        System.out.printf(
                "[spring] branch %s: %s holds %,d items again (%,d units)%n",
                branch.name(), busiest, stock.itemsAt(busiest), stock.unitsAt(busiest));
    }

    @Test
    void c_oldWritersStillFillTheNewColumns() {
        long id = stock.receiveLegacy(" l042-b0917-s999999 ", 3);

        assertThat(stock.parts(id)).containsExactly("L042", "B0917", "S999999");
    }
}
