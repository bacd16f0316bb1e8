package io.github.lakebase.junit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import io.github.lakebase.junit.spi.BaseCache;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bases kept from run to run on one server, with several runs at once: built once, never collected
 * while a live run uses them, never swept as a dead run's leftovers, and collected once replaced or
 * long unused.
 */
class TemplateBaseCacheTests {

    @TempDir
    Path work;

    /** The base of a module's migrations on the main branch of its source. */
    private static final BaseCache.Entry MAIN = new BaseCache.Entry("base", "main", "orders");

    private EmbeddedServer server;
    private final List<TemplateBranchProvider> providers = new ArrayList<>();

    /** A server on a persistent data directory, which the providers of the runs share, as JVMs would. */
    @BeforeEach
    void startServer() throws IOException {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        server = EmbeddedServer.start(new EmbeddedServer.Options(
                work.resolve("pgdata"),
                Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit"),
                Optional.empty(),
                40,
                Map.of()));
    }

    @AfterEach
    void stopServer() {
        providers.forEach(TemplateBranchProvider::close);
        server.close();
    }

    @Test
    void concurrentRunsThatNeedTheSameBaseBuildItOnce() throws Exception {
        TemplateBranchProvider first = run("concurrenta");
        TemplateBranchProvider second = run("concurrentb");
        BaseCache.Entry entry = new BaseCache.Entry("base", "v1", "template1|db/migration");
        AtomicInteger builds = new AtomicInteger();
        CountDownLatch building = new CountDownLatch(1);

        CompletableFuture<String> one =
                CompletableFuture.supplyAsync(() -> cache(first).obtain(entry, () -> {
                    building.countDown();
                    sleep(500); // the other run asks meanwhile
                    return build(first, builds);
                }));
        assertThat(building.await(30, TimeUnit.SECONDS)).isTrue();
        String other = cache(second).obtain(entry, () -> build(second, builds));

        assertThat(one.get(30, TimeUnit.SECONDS)).isEqualTo(other).startsWith("lbj_base_");
        assertThat(builds).hasValue(1);
        assertThat(databases("lakebase-junit run=%"))
                .as("nothing half-built is left")
                .isEmpty();
        assertThat(databases("lakebase-junit cache=%")).containsExactly(other);
    }

    @Test
    void findTellsWhatAnEarlierRunKeptAndNeverBuilds() throws SQLException {
        TemplateBranchProvider earlier = run("earliera");
        TemplateBranchProvider later = run("laterb");
        BaseCache.Entry entry = new BaseCache.Entry("base", "staged v1", "spring");

        assertThat(cache(later).find(entry)).as("nothing kept yet").isEmpty();
        assertThat(databases("lakebase-junit cache=%")).isEmpty();
        String kept = cache(earlier).obtain(entry, () -> build(earlier, null));
        close(earlier);

        assertThat(cache(later).find(entry)).contains(kept);
        assertThat(cache(later).find(new BaseCache.Entry("base", "staged v2", "spring")))
                .isEmpty();
    }

    @Test
    void aReplacedBaseIsCollectedOnlyOnceNoLiveRunUsesIt() throws SQLException {
        TemplateBranchProvider older = run("oldera");
        TemplateBranchProvider newer = run("newerb");
        String v1 = cache(older).obtain(new BaseCache.Entry("base", "v1", "slot"), () -> build(older, null));

        String v2 = cache(newer).obtain(new BaseCache.Entry("base", "v2", "slot"), () -> build(newer, null));
        String v3 = cache(newer).obtain(new BaseCache.Entry("base", "v3", "slot"), () -> build(newer, null));
        assertThat(databases("lakebase-junit cache=%"))
                .as("v3 replaced v1, which the older run still uses")
                .containsExactlyInAnyOrder(v1, v2, v3);

        close(older);
        String v4 = cache(newer).obtain(new BaseCache.Entry("base", "v4", "slot"), () -> build(newer, null));
        assertThat(databases("lakebase-junit cache=%"))
                .as("v1 is collected once no run uses it; v2, replaced too, is still used by the newer run")
                .containsExactlyInAnyOrder(v2, v3, v4);
        String other = cache(newer).obtain(new BaseCache.Entry("base", "v1", "another slot"), () -> build(newer, null));
        assertThat(databases("lakebase-junit cache=%")).contains(other, v2, v3, v4);
    }

    /**
     * A module's slot keeps the two bases it used last: after a switch back to the first of two versions, a third
     * version replaces the second, which the module used less recently, although it was built later.
     */
    @Test
    void aThirdBuildReplacesTheBaseUsedLeastRecently() throws SQLException {
        List<String> used = mainFeatureMain("thirdbu");

        String amended = obtainInRun("amended", new BaseCache.Entry("base", "another", "orders"));
        assertThat(databases("lakebase-junit cache=%"))
                .as("the feature's base, used less recently than main's, was replaced")
                .containsExactlyInAnyOrder(used.get(0), amended);
    }

    /** Building a kept base again ({@code lakebase.rebuild-bases}) keeps the other base its module used. */
    @Test
    void aRebuildKeepsTheOtherBaseItsModuleUsed() throws SQLException {
        List<String> used = mainFeatureMain("rebuilt");
        TemplateBranchProvider rebuilding = run("rebuild");
        assertThat(cache(rebuilding).rebuild(MAIN, () -> build(rebuilding, null)))
                .isEqualTo(used.get(0));
        close(rebuilding);
        assertThat(databases("lakebase-junit cache=%")).containsExactlyInAnyOrderElementsOf(used);

        String another = obtainInRun("laterrb", new BaseCache.Entry("base", "another", "orders"));
        assertThat(databases("lakebase-junit cache=%"))
                .as("main, rebuilt, is the base the module used last")
                .containsExactlyInAnyOrder(used.get(0), another);
    }

    /**
     * Runs a module on the main branch of its source, on a feature branch with other migrations, and on main again,
     * each in a run of its own; returns the kept bases of main and of the feature.
     */
    private List<String> mainFeatureMain(String prefix) {
        String main = obtainInRun(prefix.substring(0, 6) + "a", MAIN);
        String feature = obtainInRun(prefix.substring(0, 6) + "b", new BaseCache.Entry("base", "feature", "orders"));
        assertThat(obtainInRun(prefix.substring(0, 6) + "c", MAIN)).isEqualTo(main);
        return List.of(main, feature);
    }

    /** Obtains {@code entry} in a run of its own, which then ends, as a JVM's run of the tests would. */
    private String obtainInRun(String runId, BaseCache.Entry entry) {
        TemplateBranchProvider provider = run(runId);
        try {
            return cache(provider).obtain(entry, () -> build(provider, null));
        } finally {
            close(provider);
        }
    }

    /**
     * Two modules with the same migrations share the base the first one built; its own newer builds do not collect the
     * base while the other module is the last to have used it.
     */
    @Test
    void aBaseIsReplacedOnlyInTheSlotThatLastUsedIt() throws SQLException {
        TemplateBranchProvider first = run("firstrn");
        String shared = cache(first).obtain(new BaseCache.Entry("base", "v1", "orders"), () -> build(first, null));
        close(first);
        TemplateBranchProvider second = run("secondr");
        assertThat(cache(second).find(new BaseCache.Entry("base", "v1", "billing")))
                .contains(shared);
        close(second);

        TemplateBranchProvider third = run("thirdrn");
        String v2 = cache(third).obtain(new BaseCache.Entry("base", "v2", "orders"), () -> build(third, null));
        String v3 = cache(third).obtain(new BaseCache.Entry("base", "v3", "orders"), () -> build(third, null));
        assertThat(databases("lakebase-junit cache=%"))
                .as("v2 was replaced by v3; v1 belongs to billing, which used it last")
                .containsExactlyInAnyOrder(shared, v2, v3);
    }

    @Test
    void keptBasesAreNeverSweptButCollectedWhenLongUnused() throws SQLException {
        TemplateBranchProvider dead = run("deadrun");
        String recent = cache(dead).obtain(new BaseCache.Entry("base", "recent", "a"), () -> build(dead, null));
        String old = cache(dead).obtain(new BaseCache.Entry("parent", "old", "b"), () -> build(dead, null));
        String branch = "lbj_deadrun_1_test";
        dead.create(new BranchRequest(branch, recent, null, Kind.BRANCH));
        close(dead);
        execute("COMMENT ON DATABASE " + old + " IS '" + comment(old).replaceAll("used=\\S+", "used=2001-01-01") + "'");

        List<String> swept = run("nextrun").sweep();

        assertThat(swept).containsExactly(branch);
        assertThat(databases("lakebase-junit cache=%")).containsExactly(recent);
    }

    /**
     * A spare kept of a kept base is taken by one run only, and never once its base was built again under its name,
     * even where nothing dropped the spare with the base (a kill between the two drops): a later run's collection drops
     * it then.
     */
    @Test
    void aKeptSpareIsTakenOnceAndNeverFromABaseBuiltAgain() throws SQLException {
        TemplateBranchProvider first = run("keptfirst");
        BaseCache.Entry entry = new BaseCache.Entry("base", "spared", "orders");
        String base = cache(first).obtain(entry, () -> build(first, null));
        first.createSpare("lbj_keptfirst_1", base);
        first.createSpare("lbj_keptfirst_2", base);
        assertThat(cache(first).keepSpare("lbj_keptfirst_1", base)).isTrue();
        assertThat(cache(first).keepSpare("lbj_keptfirst_2", base))
                .as("one spare per base")
                .isFalse();
        assertThat(first.ownBranches())
                .as("the kept spare is no longer the run's")
                .containsExactly("lbj_keptfirst_2");
        assertThat(databases("lakebase-junit cache=% spare-of=%")).hasSize(1);
        close(first);

        TemplateBranchProvider second = run("keptsecond");
        TemplateBranchProvider third = run("keptthird");
        assertThat(cache(second).find(entry)).contains(base);
        assertThat(cache(second).takeKeptSpare(base, "lbj_keptsecond_1_test")).isPresent();
        assertThat(cache(third).takeKeptSpare(base, "lbj_keptthird_1_test"))
                .as("taken already")
                .isEmpty();
        assertThat(databases("lakebase-junit run=keptsecond kind=branch")).containsExactly("lbj_keptsecond_1_test");
        assertThat(cache(second).keepSpare("lbj_keptsecond_1_test", base)).isTrue();
        close(second);
        close(third);

        // The base built again under its name, with its comment, as by a run killed before it dropped the spare.
        String comment = comment(base);
        execute("ALTER DATABASE " + base + " WITH IS_TEMPLATE false");
        execute("DROP DATABASE " + base);
        execute("CREATE DATABASE " + base + " TEMPLATE template1");
        execute("ALTER DATABASE " + base + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
        execute("COMMENT ON DATABASE " + base + " IS '" + comment + "'");
        TemplateBranchProvider later = run("keptlater");
        assertThat(cache(later).find(entry)).contains(base);
        assertThat(cache(later).takeKeptSpare(base, "lbj_keptlater_1_test"))
                .as("a spare of the base this one replaced")
                .isEmpty();

        later.sweep();
        assertThat(databases("lakebase-junit cache=% spare-of=%"))
                .as("collected: its base is gone")
                .isEmpty();
    }

    @Test
    void aCollectedBaseTakesItsKeptSpareWithIt() throws SQLException {
        TemplateBranchProvider earlier = run("collectfirst");
        String base = cache(earlier).obtain(new BaseCache.Entry("base", "unused", "a"), () -> build(earlier, null));
        earlier.createSpare("lbj_collectfirst_1", base);
        assertThat(cache(earlier).keepSpare("lbj_collectfirst_1", base)).isTrue();
        close(earlier);
        execute("COMMENT ON DATABASE " + base + " IS '" + comment(base).replaceAll("used=\\S+", "used=2001-01-01")
                + "'");

        run("collectnext").sweep();

        assertThat(databases("lakebase-junit cache=%")).isEmpty();
    }

    private TemplateBranchProvider run(String runId) {
        Configuration config = new Configuration(
                key -> key.equals(EmbeddedProviderFactory.DATA_DIRECTORY)
                        ? Optional.of(server.dataDirectory().toString())
                        : key.equals(EmbeddedProviderFactory.CACHE_DIRECTORY)
                                ? Optional.of(Path.of(System.getProperty("java.io.tmpdir"), "lakebase-junit")
                                        .toString())
                                : Optional.empty(),
                Map.of(),
                runId,
                getClass().getClassLoader());
        TemplateBranchProvider provider = (TemplateBranchProvider) new EmbeddedProviderFactory().create(config);
        providers.add(provider);
        return provider;
    }

    private void close(TemplateBranchProvider provider) {
        providers.remove(provider);
        provider.close();
    }

    private static BaseCache cache(TemplateBranchProvider provider) {
        return provider.baseCache().orElseThrow();
    }

    private static String build(TemplateBranchProvider provider, AtomicInteger builds) {
        String name = "lbj_" + Integer.toHexString(System.identityHashCode(provider)) + "_base_" + System.nanoTime();
        if (builds != null) {
            builds.incrementAndGet();
        }
        provider.create(new BranchRequest(name, "template1", null, Kind.BASE));
        provider.seal(name);
        return name;
    }

    private List<String> databases(String commentLike) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = server.connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT datname FROM pg_database WHERE shobj_description(oid, 'pg_database') LIKE '"
                                + commentLike + "' ORDER BY datname")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private String comment(String database) throws SQLException {
        try (Connection c = server.connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '"
                                + database + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = server.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
