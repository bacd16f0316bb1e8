package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.spi.ProviderContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Flyway, loaded in the background while a server that starts empty starts, for a run whose migrations are Flyway's:
 * the first base's build then finds it loaded.
 */
@Isolated(
        "holds a provider's start open for seconds, which a test beside it that waits for the starts to end waits out")
class FlywayAheadTests {

    private Path directory;

    @BeforeEach
    void persistentDataDirectory() throws IOException {
        directory = PersistentDataDirectories.create("flyway-ahead-");
    }

    /**
     * A server that starts empty (a new cluster, which holds no base an earlier run kept) has its first test build
     * a base: Flyway loads (its classes, about half a second in a new JVM) in the background while the server starts,
     * when the run's migrations are Flyway's. Where the provider does not say so, or the run migrates with Liquibase,
     * Flyway is not loaded ahead.
     */
    @Test
    void flywayLoadsWhileAServerThatStartsEmptyStartsForFlywayMigrationsOnly() throws Exception {
        Path resources = EarlyStartTests.resourcesWith(directory, EmptyStartFactory.class);
        record Case(Class<?> fixture, String location, boolean startsEmpty) {}
        List<Case> cases = List.of(
                new Case(EarlyStartTests.ReadEarlyTestCase.class, EarlyStartTests.ReadEarlyTestCase.LOCATION, true),
                new Case(EarlyStartTests.ReadEarlyTestCase.class, EarlyStartTests.ReadEarlyTestCase.LOCATION, false),
                new Case(LiquibaseTestCase.class, LiquibaseTestCase.LOCATION, true));

        EmptyStartFactory.SEEN.clear();
        for (Case c : cases) {
            EmptyStartFactory.reset(c.startsEmpty());
            // A new class loader, as a new JVM's: Flyway is loaded ahead once per class loader.
            ResourceClassLoader.with(
                    resources,
                    List.of(),
                    name -> {
                        if (name.equals(EmptyStartFactory.FLYWAY_LOADS)) {
                            EmptyStartFactory.flyway.countDown();
                        } else if (name.startsWith(c.location())) {
                            EmptyStartFactory.read.countDown();
                        }
                    },
                    () -> Fixtures.assertAllSucceeded(
                            Fixtures.run(
                                    c.fixture(),
                                    Map.of(
                                            "lakebase.provider",
                                            EmptyStartFactory.ID,
                                            "lakebase.embedded.data-directory",
                                            "temporary",
                                            // a service of its own for each run, not the one an earlier run left
                                            "lakebase.embedded.max-connections",
                                            Integer.toString(40 + cases.indexOf(c)))),
                            1));
        }

        assertThat(EmptyStartFactory.SEEN)
                .as("what the provider saw while it was created")
                .containsExactly(
                        "starts empty: Flyway was loaded while the provider was created",
                        "keeps what was built: Flyway was not loaded while the provider was created",
                        "starts empty: Flyway was not loaded while the provider was created");
    }

    @LakebaseBranch(migrations = "liquibase:" + LiquibaseTestCase.LOCATION + "/db.changelog-master.xml")
    static class LiquibaseTestCase {
        static final String LOCATION = "changelogs/shop";

        @Test
        void first(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM databasechangelog"))
                    .isPositive();
        }
    }

    /**
     * The embedded provider, created once its fixture's migrations have been read and Flyway loaded, or 5 s more have
     * passed; first it says that its server starts empty, unless told that it keeps what was built. Loaded through the
     * context class loader of the test only.
     */
    public static final class EmptyStartFactory extends EarlyStartTests.HeldStartFactory {

        static final String ID = "empty-start";
        /**
         * What a Flyway being loaded ({@code configure(loader)...load()}) asks the class loader it is given for: its
         * default location of SQL callbacks, which it scans as it loads.
         */
        static final String FLYWAY_LOADS = "db/callback";

        static final List<String> SEEN = Collections.synchronizedList(new ArrayList<>());
        static volatile CountDownLatch flyway = new CountDownLatch(1);
        static volatile CountDownLatch read = new CountDownLatch(1);
        static volatile boolean startsEmpty;

        static void reset(boolean empty) {
            flyway = new CountDownLatch(1);
            read = new CountDownLatch(1);
            startsEmpty = empty;
        }

        @Override
        public String id() {
            return ID;
        }

        @Override
        void hold(ProviderContext context) throws InterruptedException {
            if (startsEmpty) {
                context.serverStartsEmpty();
            }
            boolean wasRead = read.await(10, TimeUnit.SECONDS);
            // Loaded within about a second where it loads (a new JVM's first Flyway, on a busy machine); a case where
            // it does not waits its 5 s out.
            SEEN.add((startsEmpty ? "starts empty" : "keeps what was built") + ": Flyway was "
                    + (flyway.await(5, TimeUnit.SECONDS) ? "" : "not ")
                    + "loaded while the provider was created"
                    + (wasRead ? "" : " (its migrations were not read in 10 s)"));
        }
    }
}
