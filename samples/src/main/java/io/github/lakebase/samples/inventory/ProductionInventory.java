package io.github.lakebase.samples.inventory;

import io.github.lakebase.junit.ParentInitializer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * Builds the {@code production} parent: the schema of release 1, migrated by Flyway as in production (so its
 * history table says release 1 is there), and 300,000 rows of production-shaped inventory, generated from a
 * seed, with the artifacts twenty years of history leave in the codes (see
 * {@code production/inventory-history.sql}).
 *
 * <pre>{@code
 * # src/test/resources/junit-platform.properties
 * lakebase.parents=production
 * lakebase.parent.production.initializer=io.github.lakebase.samples.inventory.ProductionInventory
 * }</pre>
 *
 * <p>The library builds it once per run, seals it, and forks every branch that names
 * {@code from = "production"} from it.
 */
public final class ProductionInventory implements ParentInitializer {

    /** The parent's name in {@code lakebase.parents} and in {@code @LakebaseBranch(from = ...)}. */
    public static final String NAME = "production";

    /** How many inventory rows production has. */
    public static final int ROWS = 300_000;

    private static final String HISTORY = "production/inventory-history.sql";

    @Override
    public void initialize(Connection connection) throws SQLException, IOException {
        Flyway.configure()
                .dataSource(new SingleConnectionDataSource(connection))
                .locations(Releases.RELEASE_1)
                .load()
                .migrate();
        try (Statement s = connection.createStatement()) {
            s.execute(resource(HISTORY));
        }
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ProductionInventory.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
