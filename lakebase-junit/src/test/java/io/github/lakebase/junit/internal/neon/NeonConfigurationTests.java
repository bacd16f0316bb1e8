package io.github.lakebase.junit.internal.neon;

import static io.github.lakebase.junit.Fixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.internal.neon.fake.FakeNeon;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeBranch;
import io.github.lakebase.junit.internal.neon.fake.NeonFakeProject;
import io.github.lakebase.junit.spi.BranchNames;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * What a user sees before any branch exists: a missing Jackson, a missing API key (tests skipped, when
 * asked to, with the reason), a malformed project id; and the names the library gives branches.
 */
class NeonConfigurationTests {

    @Test
    void withoutJacksonTheProviderNamesTheDependencyToAdd() throws Exception {
        List<URL> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("jackson-databind")) {
                classPath.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader withoutJackson =
                new URLClassLoader(classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> contextType = withoutJackson.loadClass("io.github.lakebase.junit.spi.ProviderContext");
            Object context = withoutJackson
                    .loadClass("io.github.lakebase.junit.internal.config.Configuration")
                    .getConstructor(Function.class, Map.class, String.class, ClassLoader.class)
                    .newInstance(
                            (Function<String, Optional<String>>) key -> Optional.empty(),
                            Map.of(),
                            "nojackson",
                            withoutJackson);
            Object factory = withoutJackson
                    .loadClass(NeonProviderFactory.class.getName())
                    .getConstructor()
                    .newInstance();

            Object reason = factory.getClass()
                    .getMethod("unavailableReason", contextType)
                    .invoke(factory, context);
            assertThat(reason)
                    .isEqualTo(Optional.of("lakebase.provider=neon needs Jackson on the test class path: add "
                            + "com.fasterxml.jackson.core:jackson-databind (2.15 or later) as a test dependency."));
            try {
                factory.getClass().getMethod("create", contextType).invoke(factory, context);
                throw new AssertionError("created a provider without Jackson");
            } catch (InvocationTargetException e) {
                assertThat(e.getCause()).hasMessageContaining("add com.fasterxml.jackson.core:jackson-databind");
                assertThat(e.getCause()
                                .getClass()
                                .getMethod("isConfigurationError")
                                .invoke(e.getCause()))
                        .isEqualTo(true);
            }
        }
    }

    @Test
    void aProjectIdThatIsNotOneSaysWhatAnIdLooksLike() {
        io.github.lakebase.junit.internal.config.Configuration config =
                new io.github.lakebase.junit.internal.config.Configuration(
                        key -> Optional.ofNullable(Map.of(
                                        "lakebase.provider", "neon",
                                        "lakebase.neon.project", "Orders Service",
                                        "lakebase.neon.api-key", "x")
                                .get(key)),
                        Map.of(),
                        "badid",
                        getClass().getClassLoader());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NeonProviderFactory().create(config))
                .hasMessageContaining("lakebase.neon.project='Orders Service' is not a Neon project id");
    }

    @Test
    void aMissingProjectOrAValueOutOfRangeSaysWhichKeyToChange() {
        assertThat(settingsFailure(Map.of()))
                .contains("The configuration key 'lakebase.neon.project' is required by lakebase.provider=neon");
        assertThat(settingsFailure(Map.of("lakebase.neon.project", "orders", "lakebase.neon.branch-ttl", "3d")))
                .isEqualTo("lakebase.neon.branch-ttl=3d is out of range: "
                        + "use a duration from 2s to 1d (the default is 1h).");
        assertThat(settingsFailure(Map.of("lakebase.neon.project", "orders", "lakebase.kept-ttl", "1h")))
                .contains("lakebase.kept-ttl=1h is out of range")
                .contains("from 2d to 30d");
        assertThat(settingsFailure(Map.of("lakebase.neon.project", "orders", "lakebase.neon.max-branches", "1")))
                .isEqualTo(
                        "lakebase.neon.max-branches='1' is not a whole number between 2 and 5000 (the default is 5).");
        assertThat(settingsFailure(Map.of("lakebase.neon.project", "orders", "lakebase.neon.sslmode", "sometimes")))
                .contains("lakebase.neon.sslmode='sometimes' is not one of");
        assertThat(settings(Map.of("lakebase.neon.project", "orders", "lakebase.neon.sslmode", "verify-full")))
                .satisfies(s -> assertThat(s.project()).isEqualTo("orders"))
                .satisfies(s -> assertThat(s.sslMode()).isEqualTo("verify-full"))
                .satisfies(s -> assertThat(s.database()).isEqualTo("neondb"))
                .satisfies(s -> assertThat(s.role()).isEqualTo("neondb_owner"))
                .satisfies(s -> assertThat(s.apiUrl()).isEqualTo("https://console.neon.tech/api/v2"));
    }

    private static NeonSettings settings(Map<String, String> parameters) {
        Map<String, String> withProvider = new java.util.HashMap<>(parameters);
        withProvider.putIfAbsent("lakebase.provider", "neon");
        return NeonSettings.of(new io.github.lakebase.junit.internal.config.Configuration(
                key -> Optional.ofNullable(withProvider.get(key)),
                Map.of(),
                "probe",
                NeonConfigurationTests.class.getClassLoader()));
    }

    /** The message of the configuration error that reading {@code parameters} gives. */
    private static String settingsFailure(Map<String, String> parameters) {
        try {
            settings(parameters);
        } catch (io.github.lakebase.junit.spi.ProviderException e) {
            assertThat(e.isConfigurationError()).as(e.getMessage()).isTrue();
            return e.getMessage();
        }
        throw new AssertionError("no configuration error for " + parameters);
    }

    @Test
    void withoutAnApiKeyTestsAreSkippedWithTheReasonWhenAskedTo() {
        assumeTrue(System.getenv("NEON_API_KEY") == null, "this machine has a Neon API key in its environment");
        Map<String, String> configuration = Map.of("lakebase.provider", "neon", "lakebase.neon.project", "orders");

        EngineExecutionResults skipped = Fixtures.run(
                NeedsABranchTestCase.class,
                NeonFaultTests.with(configuration, "lakebase.disabled-when-unavailable", "true"));
        assertThat(skipped.containerEvents().skipped().stream()
                        .map(Event::getPayload)
                        .map(Optional::orElseThrow))
                .singleElement()
                .asString()
                .startsWith("lakebase-junit: lakebase.provider=neon found no Neon API key")
                .contains("NEON_API_KEY")
                .contains("lakebase.neon.api-key");

        EngineExecutionResults failed = Fixtures.run(NeedsABranchTestCase.class, configuration);
        assertThat(Fixtures.failureMessages(failed))
                .singleElement()
                .asString()
                .contains("found no Neon API key")
                .contains("Set lakebase.disabled-when-unavailable=true to skip the tests instead");
    }

    @LakebaseBranch
    static class NeedsABranchTestCase {
        @Test
        void test(DataSource dataSource) {
            assertThat(dataSource).isNotNull();
        }
    }

    /**
     * Neon makes a branch's id ({@code br-...}); its name is any string of 1 to 256 characters
     * ({@code BranchCreateRequest.branch.name}, {@code maxLength: 256}), so the library's names are the
     * branch names as they are, and tell the run that made them.
     */
    @Test
    void branchNamesFollowNeonRulesAndNameTheirRun() {
        FakeNeon fake = FakeNeon.start();
        NeonFakeProject project = fake.createProject("naming", "main", "");
        NamedTestCase.project = project;

        assertAllSucceeded(Fixtures.run(NamedTestCase.class, fake.configuration("naming")), 2);

        assertThat(NamedTestCase.NAMES).hasSize(2);
        BranchNames names = new BranchNames("lbj_", "thisrun");
        NeonSweeper sweeper = new NeonSweeper(null, names, "thisrun");
        for (String name : NamedTestCase.NAMES.values()) {
            assertThat(name).matches("lbj_[a-z0-9]{7}_\\d+_[a-z0-9_]+").hasSizeLessThanOrEqualTo(63);
            assertThat(sweeper.library(name)).as(name).isTrue();
            assertThat(names.runOf(name)).hasValue(name.substring(4, 11));
        }
        assertThat(NamedTestCase.NAMES.get("short")).endsWith("_deletes_everything");
        assertThat(NamedTestCase.NAMES.get("long")).hasSize(63);
        assertThat(NamedTestCase.IDS.values()).allSatisfy(id -> assertThat(id).startsWith("br-"));
        assertThat(project.branches())
                .extracting(NeonFakeBranch::name)
                .as("test branches are deleted at their end")
                .noneMatch(NamedTestCase.NAMES::containsValue);

        assertThat(sweeper.library("lbj_k3x9q2a_7_deletes_everything")).isTrue();
        assertThat(sweeper.library("lbj_k3x9q2a_base_2")).isTrue();
        assertThat(sweeper.library("lbj_k3x9q2a_parent_3_staging")).isTrue();
        assertThat(sweeper.library("lbj_feature_login")).isFalse();
        assertThat(sweeper.library("main")).isFalse();
        assertThat(sweeper.library("lbj-k3x9q2a-7-deletes-everything"))
                .as("the form of Lakebase ids is not a Neon name of the library")
                .isFalse();
        assertThat(new NeonSweeper(null, new BranchNames("ci_", "thisrun"), "thisrun").library("lbj_k3x9q2a_7"))
                .isFalse();
    }

    static class NamedTestCase {
        static final Map<String, String> NAMES = new ConcurrentHashMap<>();
        static final Map<String, String> IDS = new ConcurrentHashMap<>();
        static volatile NeonFakeProject project;

        @Test
        void deletesEverything(@LakebaseBranch Branch branch) {
            record("short", branch);
        }

        @Test
        void aTestWhoseNameIsFarLongerThanAnyIdentifierPostgresqlAcceptsWhichIsSixtyThreeBytes(
                @LakebaseBranch Branch branch) {
            record("long", branch);
        }

        private static void record(String key, Branch branch) {
            NAMES.put(key, branch.name());
            IDS.put(key, project.branchNamed(branch.name()).orElseThrow().id());
        }
    }
}
