package migrations.concurrent;

import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** A migration that counts how often it runs, to prove that a base is built once. */
public class V1__Count_builds extends BaseJavaMigration {

    public static final AtomicInteger RUNS = new AtomicInteger();

    @Override
    public void migrate(Context context) throws Exception {
        RUNS.incrementAndGet();
        Thread.sleep(300); // a slow build, so that concurrent tests really wait for it
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("CREATE TABLE build_marker (id integer)");
        }
    }
}
