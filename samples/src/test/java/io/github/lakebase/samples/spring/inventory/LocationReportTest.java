package io.github.lakebase.samples.spring.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.samples.inventory.ProductionInventory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/**
 * A second test class with the same configuration: Spring's context cache hands it the context
 * {@link StockRepositoryTest} started, so production is migrated once for both.
 */
@SpringBootTest
@LakebaseBranch(from = ProductionInventory.NAME)
class LocationReportTest {

    @Autowired
    StockRepository stock;

    @Autowired
    ApplicationContext context;

    @Test
    void listsTheBusiestLocations() {
        assertThat(stock.busiestLocations(5)).hasSize(5).allMatch(location -> location.matches("L[0-9]{3}"));
        System.out.printf(
                "[spring] %s: busiest locations %s (application context %08x, shared by the test "
                        + "classes of this configuration)%n",
                getClass().getSimpleName(), stock.busiestLocations(5), System.identityHashCode(context));
    }
}
