package io.github.lakebase.samples.spring.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A Liquibase application: Boot's Liquibase runs once, while the context starts, with the
 * application's changelog parameter and contexts, and every test gets a branch of what it built.
 */
@SpringBootTest(properties = "spring.config.name=catalog")
@LakebaseBranch
@TestMethodOrder(MethodOrderer.MethodName.class)
class ProductRepositoryTest {

    @Autowired
    ProductRepository products;

    @Test
    void a_discontinuesTheWholeCatalog(Branch branch) {
        int discontinued = products.discontinueAll();

        assertThat(discontinued).isEqualTo(3);
        assertThat(products.activeSkus()).isEmpty();
        assertThat(products.database()).isEqualTo(branch.name());
        System.out.printf(
                "[catalog] branch %s, built by Boot's Liquibase: discontinued %d products, committed%n",
                branch.name(), discontinued);
    }

    @Test
    void b_startsFromWhatLiquibaseBuiltAgain() {
        // The changelog parameter gave the currency; the demo context's row was left out, as in production.
        assertThat(products.activeSkus()).containsExactly("SKU-1001", "SKU-1002", "SKU-1003");
        assertThat(products.price("SKU-1002")).isEqualTo("129.50 EUR");
        System.out.printf("[catalog] the next test sees the whole catalog again: %s%n", products.activeSkus());
    }
}
