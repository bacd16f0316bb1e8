package io.github.lakebase.samples.spring.inventory;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The inventory service's data access, on release 2's columns: location, batch and serial number. */
@Repository
public class StockRepository {

    private final JdbcTemplate jdbc;

    public StockRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Units in stock at a location, for example {@code L042}. */
    public long unitsAt(String location) {
        return jdbc.queryForObject(
                "SELECT coalesce(sum(quantity), 0) FROM inventory WHERE location_code = ?", Long.class, location);
    }

    /** How many labelled items a location holds. */
    public long itemsAt(String location) {
        return jdbc.queryForObject("SELECT count(*) FROM inventory WHERE location_code = ?", Long.class, location);
    }

    /** The busiest locations, by items held. */
    public List<String> busiestLocations(int limit) {
        return jdbc.queryForList(
                "SELECT location_code FROM inventory WHERE location_code IS NOT NULL "
                        + "GROUP BY location_code ORDER BY count(*) DESC, location_code LIMIT ?",
                String.class,
                limit);
    }

    /** Writes off everything a location holds; returns how many items went. */
    @Transactional
    public int writeOff(String location) {
        return jdbc.update("DELETE FROM inventory WHERE location_code = ?", location);
    }

    /** Receives an item the way release 1's writers still do: with the old, single code. */
    @Transactional
    public long receiveLegacy(String inventoryCode, int quantity) {
        return jdbc.queryForObject(
                "INSERT INTO inventory (inventory_code, quantity) VALUES (?, ?) RETURNING id",
                Long.class,
                inventoryCode,
                quantity);
    }

    /** An item's location, batch and serial number. */
    public List<String> parts(long id) {
        return jdbc.queryForObject(
                "SELECT location_code, batch_number, serial_number FROM inventory WHERE id = ?",
                (rs, row) -> List.of(rs.getString(1), rs.getString(2), rs.getString(3)),
                id);
    }

    /** The database this repository talks to. */
    public String database() {
        return jdbc.queryForObject("SELECT current_database()", String.class);
    }
}
