package io.github.lakebase.benchmarks.spring;

import io.github.lakebase.benchmarks.harness.CellBudget;
import io.github.lakebase.benchmarks.harness.TestStart;
import io.github.lakebase.benchmarks.harness.Workload;
import io.github.lakebase.benchmarks.spring.app.Item;
import io.github.lakebase.benchmarks.spring.app.ItemRepository;
import io.github.lakebase.benchmarks.spring.app.SpringBenchApplication;
import io.github.lakebase.benchmarks.spring.migration.V1__Items;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.data.domain.Sort;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The Spring cell's test, the same for every approach: a {@code @DataJpaTest} of the application's
 * repository that, in one transaction, reads every item, checks that it finds the migration's state
 * (a test that sees another test's changes fails), renames half the items and deletes the other half.
 * The subclasses say where the database comes from and how each test gets it fresh: those that commit
 * run without a test transaction ({@code Propagation.NOT_SUPPORTED}), so the transaction commits; those
 * that roll back keep {@code @DataJpaTest}'s test transaction, which the test's transaction joins.
 *
 * <pre>{@code
 * @LakebaseBranch
 * @Transactional(propagation = Propagation.NOT_SUPPORTED)
 * public class SpringLakebaseSuite extends SpringSuite {
 *     @RepeatedTest(Workload.REPETITIONS)
 *     void test(TestReporter reporter) throws SQLException {
 *         run(reporter);
 *     }
 * }
 * }</pre>
 */
@DataJpaTest(
        showSql = false,
        properties = {
            "spring.flyway.locations=" + V1__Items.LOCATION,
            "spring.jpa.hibernate.ddl-auto=none",
            "spring.main.banner-mode=off"
        })
@ContextConfiguration(classes = SpringBenchApplication.class)
@ExtendWith({CellBudget.class, TestStart.class})
public abstract class SpringSuite {

    private static final AtomicBoolean CHECKED = new AtomicBoolean();

    @Autowired
    private ItemRepository items;

    @Autowired
    private PlatformTransactionManager transactions;

    @Autowired
    private DataSource dataSource;

    /** The database product the approach runs on ({@code PostgreSQL}, {@code H2}), checked at the first test. */
    protected String database() {
        return "PostgreSQL";
    }

    /** Whether the approach's tests commit (no test transaction), checked at the first test. */
    protected boolean commits() {
        return true;
    }

    /**
     * The body of the suite's test, which each suite declares itself, so that the {@code @Transactional} of its
     * class applies to it (Spring takes a method's transaction from the class that declares the method).
     *
     * @param reporter the test's reporter
     * @throws SQLException when the database fails
     */
    protected void run(TestReporter reporter) throws SQLException {
        if (CHECKED.compareAndSet(false, true)) {
            checkSetUp();
        }
        long start = System.nanoTime();
        long startWall = System.currentTimeMillis();
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            List<Item> all = items.findAll(Sort.by("id"));
            checkFresh(all);
            int half = all.size() / 2;
            all.subList(0, half).forEach(item -> item.setName("renamed by a test"));
            items.deleteAllByIdInBatch(
                    all.subList(half, all.size()).stream().map(Item::getId).toList());
            items.flush();
        });
        Workload.report(reporter, start, startWall);
    }

    private static void checkFresh(List<Item> all) {
        boolean fresh = all.size() == V1__Items.ITEMS
                && all.stream().allMatch(i -> i.getName().equals("item " + i.getId()) && i.getQuantity() == i.getId());
        if (!fresh) {
            long renamed = all.stream()
                    .filter(i -> !i.getName().equals("item " + i.getId()))
                    .count();
            throw new AssertionError("Expected the migration's " + V1__Items.ITEMS + " items, found " + all.size()
                    + " of which " + renamed + " renamed: this approach did not give the test a fresh database");
        }
    }

    /**
     * Fails unless the application runs on {@link #database()} (a slice that swapped the database would not), and
     * unless the test runs in a transaction exactly when the approach rolls back.
     */
    private void checkSetUp() throws SQLException {
        if (TransactionSynchronizationManager.isActualTransactionActive() == commits()) {
            throw new AssertionError(getClass().getSimpleName()
                    + (commits()
                            ? " should commit, but its test runs in a " + "transaction"
                            : " should roll back, but its test runs in no transaction"));
        }
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            if (!product.equals(database())) {
                throw new AssertionError(getClass().getSimpleName() + " should run on " + database() + ", not on "
                        + product + " (" + c.getMetaData().getURL() + ")");
            }
        }
    }
}
