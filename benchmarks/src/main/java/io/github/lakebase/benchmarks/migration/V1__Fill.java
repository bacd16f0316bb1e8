package io.github.lakebase.benchmarks.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The one migration every measured approach applies: a small table {@code item} that each test
 * checks and then empties (so every test needs a fresh database), and a table {@code fill} of
 * generated rows that brings the database to the size under test. The data is the same on every run
 * and machine: {@code generate_series} with fixed payloads, about 1 MB per 1000 rows.
 *
 * <p>The size comes from the system property {@value #SIZE_PROPERTY} (megabytes of fill data); the
 * checksum carries it, so that Flyway sees a migration of another size as a changed migration.
 *
 * <pre>{@code
 * Flyway.configure().dataSource(url, user, password).locations(V1__Fill.LOCATION).load().migrate();
 * }</pre>
 */
public class V1__Fill extends BaseJavaMigration {

    /** The Flyway location of this migration. */
    public static final String LOCATION = "classpath:io/github/lakebase/benchmarks/migration";
    /** The system property that says how many megabytes of fill data to generate. */
    public static final String SIZE_PROPERTY = "bench.fill-mb";
    /** Rows in {@code item}: what each test expects to find before it deletes them. */
    public static final int ITEMS = 100;
    /** The name under which a cell's result holds how long this migration took in its JVM, in milliseconds. */
    public static final String MILLIS_VALUE = "migration.V1__Fill.ms";

    /** How long the last run of this migration in this JVM took, in milliseconds; NaN when it has not run. */
    private static volatile double lastMillis = Double.NaN;

    private static final int ROWS_PER_MB = 1000;
    /** Below PostgreSQL's TOAST threshold, so that the payload is stored as it is, not compressed. */
    private static final int PAYLOAD_BYTES = 900;

    /** The fill rows for the configured size. */
    static long rows() {
        return Long.getLong(SIZE_PROPERTY, 0L) * ROWS_PER_MB;
    }

    /**
     * How long this migration took when it last ran in this JVM, in milliseconds (its statements, without Flyway's
     * own work around them); NaN when it has not run here (a warm start reuses the base it built).
     */
    public static double lastMillis() {
        return lastMillis;
    }

    @Override
    public void migrate(Context context) throws Exception {
        long start = System.nanoTime();
        fill(context);
        lastMillis = (System.nanoTime() - start) / 1e6;
    }

    private static void fill(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("CREATE TABLE item (id integer PRIMARY KEY, name text NOT NULL)");
            s.execute("INSERT INTO item SELECT g, 'item ' || g FROM generate_series(1, " + ITEMS + ") g");
            s.execute("CREATE TABLE fill (id bigint PRIMARY KEY, payload text NOT NULL)");
            s.execute("INSERT INTO fill SELECT g, repeat(chr(65 + (g % 26)::integer), " + PAYLOAD_BYTES + ") "
                    + "FROM generate_series(1, " + rows() + ") g");
        }
    }

    @Override
    public Integer getChecksum() {
        return Long.hashCode(rows());
    }
}
