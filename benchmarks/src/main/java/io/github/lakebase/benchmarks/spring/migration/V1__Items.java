package io.github.lakebase.benchmarks.spring.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The Spring cell's one migration, portable between PostgreSQL and H2: the table {@code item} with
 * {@value #ITEMS} rows, item {@code n} named {@code item n} with a quantity of {@code n}: the state every
 * test must start from.
 *
 * <pre>{@code
 * spring.flyway.locations=classpath:io/github/lakebase/benchmarks/spring/migration
 * }</pre>
 */
public class V1__Items extends BaseJavaMigration {

    /** The Flyway location of this migration. */
    public static final String LOCATION = "classpath:io/github/lakebase/benchmarks/spring/migration";
    /** Rows in {@code item}. */
    public static final int ITEMS = 100;

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
            s.execute(
                    "CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, quantity INTEGER NOT NULL)");
        }
        load(context.getConnection());
    }

    /**
     * Inserts the rows of the migration into an empty {@code item} table.
     *
     * @param c a connection to the database
     * @throws SQLException when the database fails
     */
    public static void load(Connection c) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO item (id, name, quantity) VALUES (?, ?, ?)")) {
            for (int i = 1; i <= ITEMS; i++) {
                insert.setInt(1, i);
                insert.setString(2, "item " + i);
                insert.setInt(3, i);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
