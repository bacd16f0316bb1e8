package io.github.lakebase.junit.spring.app;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The application's data access, on the application's {@code DataSource}. */
@Repository
public class InventoryRepository {

    private final JdbcTemplate jdbc;

    public InventoryRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public long count() {
        return jdbc.queryForObject("SELECT count(*) FROM inventory", Long.class);
    }

    public List<String> codes() {
        return jdbc.queryForList("SELECT inventory_code FROM inventory ORDER BY inventory_code", String.class);
    }

    @Transactional
    public void add(String code, int quantity) {
        jdbc.update("INSERT INTO inventory (inventory_code, quantity) VALUES (?, ?)", code, quantity);
    }

    @Transactional
    public void deleteAll() {
        jdbc.update("DELETE FROM inventory");
    }

    /** The database the application is connected to. */
    public String database() {
        return jdbc.queryForObject("SELECT current_database()", String.class);
    }
}
