package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.lakebase.junit.internal.server.EmbeddedProviderFactory;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProviderFactory;
import io.github.lakebase.junit.spi.ProviderContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The server starts at a test class's {@code beforeAll} callback (as its one instance is made, for {@code
 * PER_CLASS}), in the background, while JUnit and the class's own set-up go
 * on: what the class does before its first test (a {@code @BeforeAll}, a Spring context) hides the start, and its
 * first test does not wait for all of it; nor for the reading of its migrations, which is done while the server
 * starts. A start that fails fails the class's tests as one on their path would. Where a launcher runs the tests
 * (Maven Surefire, Gradle, an IDE), the start begins earlier still, as the launcher begins to discover a class that
 * uses the library, unless the run filters what it discovers.
 */
class EarlyStartTests {

    private Path directory;

    @BeforeEach
    void persistentDataDirectory() throws IOException {
        directory = PersistentDataDirectories.create("early-start-");
    }

    @Test
    void theServerStartsWhileTheClassSetsItselfUpBeforeItsFirstTestAsksForABranch() throws Exception {
        SetUpTestCase.dataDirectory = directory.resolve("pgdata");

        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        SetUpTestCase.class,
                        Map.of("lakebase.embedded.data-directory", SetUpTestCase.dataDirectory.toString())),
                1);
    }

    /**
     * A class with one test instance for all its tests ({@code PER_CLASS}) is made before its {@code beforeAll}
     * callbacks, and a Spring context loads as it is made: the start begins before, once the class has passed its
     * conditions.
     */
    @Test
    void theServerStartsWhileAClassWithOneInstanceForAllItsTestsIsMade() throws Exception {
        PerClassTestCase.dataDirectory = directory.resolve("pgdata");

        Fixtures.assertAllSucceeded(
                Fixtures.run(
                        PerClassTestCase.class,
                        Map.of("lakebase.embedded.data-directory", PerClassTestCase.dataDirectory.toString())),
                1);
    }

    @Test
    void theFirstTestsMigrationsAreReadWhileTheServerStarts() throws Exception {
        Path resources = resourcesWith(directory, SlowStartFactory.class);
        SlowStartFactory.reset();

        ResourceClassLoader.with(
                resources,
                List.of(),
                name -> {
                    if (name.startsWith(ReadEarlyTestCase.LOCATION)) {
                        SlowStartFactory.read.countDown();
                    }
                },
                () -> Fixtures.assertAllSucceeded(
                        Fixtures.run(
                                ReadEarlyTestCase.class,
                                Map.of(
                                        "lakebase.provider",
                                        SlowStartFactory.ID,
                                        "lakebase.embedded.data-directory",
                                        directory.resolve("pgdata").toString())),
                        1));

        assertThat(SlowStartFactory.SEEN)
                .as("what the provider saw while it was created")
                .containsExactly("the migrations were read while the provider was created");
    }

    /**
     * Resources for a fixture of {@link ReadEarlyTestCase}: its migration, and {@code factory} listed as a provider,
     * which the fixture's class loader finds.
     */
    static Path resourcesWith(Path directory, Class<? extends BranchProviderFactory> factory) throws IOException {
        Path resources = directory.resolve("resources");
        Path services = resources.resolve("META-INF/services/" + BranchProviderFactory.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, factory.getName() + "\n", StandardCharsets.UTF_8);
        Path migration = resources.resolve(ReadEarlyTestCase.LOCATION + "/V1__item.sql");
        Files.createDirectories(migration.getParent());
        Files.writeString(migration, "CREATE TABLE item (id int PRIMARY KEY);\n", StandardCharsets.UTF_8);
        return resources;
    }

    @Test
    void theServerStartsAsTheLauncherBeginsToDiscoverAClassThatUsesTheLibrary() throws Exception {
        Path dataDirectory = directory.resolve("pgdata");

        // Discovery only: no test runs, no extension is called.
        LauncherFactory.create()
                .discover(LauncherDiscoveryRequestBuilder.request()
                        .selectors(DiscoverySelectors.selectClass(FailingStartTestCase.class))
                        .configurationParameter("lakebase.embedded.data-directory", dataDirectory.toString())
                        .build());

        assertThat(acceptsWithin(dataDirectory, Duration.ofSeconds(60)))
                .as("a server accepts connections on %s within 60 s of the discovery", dataDirectory)
                .isTrue();
    }

    @Test
    void noServerStartsForADiscoveryOfClassesThatDoNotUseTheLibraryOrThatFiltersWhatItFinds() throws Exception {
        Path plain = directory.resolve("plain");
        Path filtered = directory.resolve("filtered");
        Path used = directory.resolve("used");
        Launcher launcher = LauncherFactory.create();

        launcher.discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(EarlyStartTests.class))
                .configurationParameter("lakebase.embedded.data-directory", plain.toString())
                .build());
        // A tag filter may leave none of the class's tests to run: the class's beforeAll callback starts the server.
        launcher.discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(FailingStartTestCase.class))
                .filters(TagFilter.includeTags("unit"))
                .configurationParameter("lakebase.embedded.data-directory", filtered.toString())
                .build());
        // A start the two discoveries above began would have made its data directory by the time this one's
        // server accepts connections.
        launcher.discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(FailingStartTestCase.class))
                .configurationParameter("lakebase.embedded.data-directory", used.toString())
                .build());

        assertThat(acceptsWithin(used, Duration.ofSeconds(60))).isTrue();
        assertThat(plain).doesNotExist();
        assertThat(filtered).doesNotExist();
    }

    /**
     * A condition other than {@code @Disabled} that turns a class off (a system property, the OS, a project's own)
     * leaves the server unstarted at the class's callbacks, whichever of it and {@code @LakebaseBranch} the class
     * declares first: JUnit may ask the library's condition first, and the start waits for {@code beforeAll}. (A
     * launcher's discovery, which cannot ask the condition, still starts it: {@code DiscoveryStartTests}.)
     */
    @Test
    void noServerStartsAtTheCallbacksOfAClassThatAConditionTurnsOff() throws Exception {
        Path conditionAfter = directory.resolve("condition-after");
        Path conditionBefore = directory.resolve("condition-before");

        for (Map.Entry<Class<?>, Path> run : Map.of(
                        ConditionAfterTheBranchTestCase.class, conditionAfter,
                        ConditionBeforeTheBranchTestCase.class, conditionBefore)
                .entrySet()) {
            var results = Fixtures.run(
                    run.getKey(),
                    Map.of("lakebase.embedded.data-directory", run.getValue().toString()));
            assertThat(results.containerEvents().skipped().count())
                    .as("%s is turned off by its condition", run.getKey().getSimpleName())
                    .isEqualTo(1);
        }

        // A start the runs above began makes its data directory before its thread ends.
        assertThat(startsEndWithin(Duration.ofSeconds(60)))
                .as("the library's starts in this JVM end within 60 s")
                .isTrue();
        assertThat(conditionAfter).doesNotExist();
        assertThat(conditionBefore).doesNotExist();
    }

    /**
     * Whether, within {@code timeout}, a moment comes when no start of the library's is under way in this JVM (the
     * threads it starts on, at discovery and at a class's callback, have ended); tests that run meanwhile may begin
     * others.
     */
    private static boolean startsEndWithin(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("lakebase-junit-start")
                        || t.getName().equals("lakebase-junit-discovery-start"))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Test
    void aStartThatFailsFailsTheTestsWithItsReason() throws Exception {
        Path file = Files.writeString(directory.resolve("not-a-directory"), "");

        var results = Fixtures.run(
                FailingStartTestCase.class,
                Map.of(
                        "lakebase.embedded.data-directory",
                        file.resolve("pgdata").toString()));

        assertThat(results.testEvents().failed().count()).isEqualTo(2);
        results.testEvents().failed().stream()
                .forEach(event -> assertThat(event.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                                .orElseThrow()
                                .getThrowable()
                                .orElseThrow())
                        .hasMessageContaining("lakebase.embedded.data-directory")
                        .hasMessageContaining(file.toString()));
    }

    @LakebaseBranch
    static class SetUpTestCase {
        static volatile Path dataDirectory;

        @BeforeAll
        static void awaitTheServer() throws InterruptedException {
            // Nothing here asks for a branch: only a start at the class's beforeAll callback brings the server up.
            requireServer(dataDirectory, "the class began");
        }

        @Test
        void firstTest(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM pg_database"))
                    .isPositive();
        }
    }

    @LakebaseBranch
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClassTestCase {
        static volatile Path dataDirectory;

        PerClassTestCase() throws InterruptedException {
            // Nothing here asks for a branch: only a start before the instance is made brings the server up.
            requireServer(dataDirectory, "the instance began");
        }

        @Test
        void firstTest(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM pg_database"))
                    .isPositive();
        }
    }

    /** Fails unless a server accepts connections on {@code dataDirectory} within 30 s. */
    private static void requireServer(Path dataDirectory, String since) throws InterruptedException {
        if (!acceptsWithin(dataDirectory, Duration.ofSeconds(30))) {
            fail("No server accepts connections on " + dataDirectory + " 30 s after " + since);
        }
    }

    /** Whether PostgreSQL says in {@code postmaster.pid} that it accepts connections, waiting up to {@code timeout}. */
    private static boolean acceptsWithin(Path dataDirectory, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!accepting(dataDirectory)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Whether PostgreSQL says in {@code postmaster.pid} that it accepts connections. */
    private static boolean accepting(Path dataDirectory) {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
            return lines.size() >= 8 && lines.get(7).trim().equals("ready");
        } catch (IOException e) {
            return false;
        }
    }

    @LakebaseBranch
    static class FailingStartTestCase {
        @Test
        void first(DataSource dataSource) {}

        @Test
        void second(DataSource dataSource) {}
    }

    @LakebaseBranch
    @EnabledIfSystemProperty(named = "lakebase.test.never-set", matches = "yes")
    static class ConditionAfterTheBranchTestCase {
        @Test
        void test(DataSource dataSource) {}
    }

    @DisabledIfSystemProperty(named = "java.version", matches = ".*")
    @LakebaseBranch
    static class ConditionBeforeTheBranchTestCase {
        @Test
        void test(DataSource dataSource) {}
    }

    @LakebaseBranch(migrations = "classpath:" + ReadEarlyTestCase.LOCATION)
    static class ReadEarlyTestCase {
        static final String LOCATION = "migrations/read-early";

        @Test
        void first(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM item")).isZero();
        }
    }

    /**
     * The embedded provider, created once {@link #hold} returns: a start that takes as long as what the test waits
     * for. Its subclasses are loaded through the context class loader of the test only.
     */
    abstract static class HeldStartFactory implements BranchProviderFactory {

        /** Holds the provider's creation open; what it sees meanwhile, it records. */
        abstract void hold(ProviderContext context) throws InterruptedException;

        @Override
        public BranchProvider create(ProviderContext context) {
            try {
                hold(context);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new EmbeddedProviderFactory().create(context);
        }
    }

    /** The embedded provider, created once its migrations' location has been read (or 10 s have passed). */
    public static final class SlowStartFactory extends HeldStartFactory {

        static final String ID = "slow-start";
        static final Set<String> SEEN = Collections.synchronizedSet(new LinkedHashSet<>());
        static volatile CountDownLatch read = new CountDownLatch(1);

        static void reset() {
            SEEN.clear();
            read = new CountDownLatch(1);
        }

        @Override
        public String id() {
            return ID;
        }

        @Override
        void hold(ProviderContext context) throws InterruptedException {
            SEEN.add(
                    read.await(10, TimeUnit.SECONDS)
                            ? "the migrations were read while the provider was created"
                            : "the migrations were not read in the 10 s the provider was created in");
        }
    }
}
