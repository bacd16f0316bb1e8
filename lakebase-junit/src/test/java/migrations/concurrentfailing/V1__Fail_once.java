package migrations.concurrentfailing;

import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** A migration that fails, counting its attempts, to prove that a failed build is not retried per test. */
public class V1__Fail_once extends BaseJavaMigration {

    public static final AtomicInteger RUNS = new AtomicInteger();

    @Override
    public void migrate(Context context) throws Exception {
        RUNS.incrementAndGet();
        Thread.sleep(300);
        throw new IllegalStateException("the backfill found inconsistent rows");
    }
}
