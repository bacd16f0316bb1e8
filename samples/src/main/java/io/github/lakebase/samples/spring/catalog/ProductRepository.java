package io.github.lakebase.samples.spring.catalog;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The catalog's products. */
@Repository
public class ProductRepository {

    private final JdbcTemplate jdbc;

    public ProductRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The SKUs of the products on sale. */
    public List<String> activeSkus() {
        return jdbc.queryForList("SELECT sku FROM product WHERE active ORDER BY sku", String.class);
    }

    /** A product's price with its currency, for example {@code 129.50 EUR}. */
    public String price(String sku) {
        return jdbc.queryForObject("SELECT price || ' ' || currency FROM product WHERE sku = ?", String.class, sku);
    }

    /** Takes every product off sale; returns how many were. */
    @Transactional
    public int discontinueAll() {
        return jdbc.update("UPDATE product SET active = false WHERE active");
    }

    /** The database this repository talks to. */
    public String database() {
        return jdbc.queryForObject("SELECT current_database()", String.class);
    }
}
