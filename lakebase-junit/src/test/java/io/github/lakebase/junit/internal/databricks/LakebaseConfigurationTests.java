package io.github.lakebase.junit.internal.databricks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * What a user sees before any branch exists: a missing SDK, missing credentials (tests skipped, when
 * asked to, with the reason), a missing or malformed key; and the ids the library gives branches.
 */
class LakebaseConfigurationTests {

    @TempDir
    Path work;

    @Test
    void withoutTheSdkTheProviderNamesTheDependencyToAdd() throws Exception {
        List<URL> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("databricks-sdk-java")) {
                classPath.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader withoutSdk =
                new URLClassLoader(classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThat(Optional.ofNullable(classOrNull(withoutSdk, "com.databricks.sdk.WorkspaceClient")))
                    .isEmpty();
            Class<?> contextType = withoutSdk.loadClass("io.github.lakebase.junit.spi.ProviderContext");
            Object context = withoutSdk
                    .loadClass("io.github.lakebase.junit.internal.config.Configuration")
                    .getConstructor(Function.class, Map.class, String.class, ClassLoader.class)
                    .newInstance(
                            (Function<String, Optional<String>>) key -> Optional.empty(),
                            Map.of(),
                            "nosdk",
                            withoutSdk);
            Object factory = withoutSdk
                    .loadClass(DatabricksProviderFactory.class.getName())
                    .getConstructor()
                    .newInstance();

            Object reason = factory.getClass()
                    .getMethod("unavailableReason", contextType)
                    .invoke(factory, context);
            assertThat(reason)
                    .isEqualTo(Optional.of("lakebase.provider=databricks needs the Databricks SDK for Java on "
                            + "the test class path: add com.databricks:databricks-sdk-java (0.141.0 or later) as a test "
                            + "dependency."));
            Method create = factory.getClass().getMethod("create", contextType);
            Throwable failure = invocationFailure(() -> create.invoke(factory, context));
            assertThat(failure).hasMessageContaining("add com.databricks:databricks-sdk-java");
            assertThat(failure.getClass().getMethod("isConfigurationError").invoke(failure))
                    .isEqualTo(true);
        }
    }

    @Test
    void withoutCredentialsTestsAreSkippedWithTheReasonWhenAskedTo() throws Exception {
        assumeTrue(
                System.getenv().keySet().stream().noneMatch(k -> k.startsWith("DATABRICKS_")),
                "this machine has Databricks credentials in its environment");
        Path emptyConfig = Files.createFile(work.resolve("databrickscfg"));
        Map<String, String> configuration = Map.of(
                "lakebase.provider",
                "databricks",
                "lakebase.databricks.project",
                "orders",
                "lakebase.databricks.config-file",
                emptyConfig.toString());

        EngineExecutionResults skipped = Fixtures.run(
                NeedsABranchTestCase.class, with(configuration, "lakebase.disabled-when-unavailable", "true"));
        assertThat(skipped.containerEvents().skipped().stream()
                        .map(Event::getPayload)
                        .map(Optional::orElseThrow))
                .singleElement()
                .asString()
                .startsWith("lakebase-junit: lakebase.provider=databricks found no usable " + "Databricks credentials")
                .contains("DATABRICKS_HOST and DATABRICKS_TOKEN")
                .contains("lakebase.databricks.profile");

        EngineExecutionResults failed = Fixtures.run(NeedsABranchTestCase.class, configuration);
        assertThat(Fixtures.failureMessages(failed))
                .singleElement()
                .asString()
                .contains("found no usable Databricks credentials")
                .contains("Set lakebase.disabled-when-unavailable=true to skip the tests instead");
    }

    @Test
    void aMissingProjectOrAValueOutOfRangeSaysWhichKeyToChange() {
        Map<String, String> noProject = Map.of("lakebase.provider", "databricks");
        assertThat(LakebaseSettingsProbe.failure(noProject))
                .contains("The configuration key "
                        + "'lakebase.databricks.project' is required by lakebase.provider=databricks");
        assertThat(LakebaseSettingsProbe.failure(Map.of("lakebase.databricks.project", "Orders Service")))
                .contains("is not a Lakebase project id");
        assertThat(LakebaseSettingsProbe.failure(
                        Map.of("lakebase.databricks.project", "orders", "lakebase.databricks.branch-ttl", "3d")))
                .isEqualTo("lakebase.databricks.branch-ttl=3d is out of range: "
                        + "use a duration from 2s to 1d (the default is 1h).");
        assertThat(LakebaseSettingsProbe.failure(
                        Map.of("lakebase.databricks.project", "orders", "lakebase.kept-ttl", "1h")))
                .contains("lakebase.kept-ttl=1h is out of range")
                .contains("from 2d to 30d");
        assertThat(LakebaseSettingsProbe.failure(
                        Map.of("lakebase.databricks.project", "orders", "lakebase.databricks.sslmode", "sometimes")))
                .contains("lakebase.databricks.sslmode='sometimes' is not one of");
        assertThat(LakebaseSettingsProbe.settings(Map.of(
                        "lakebase.databricks.project",
                        "projects/orders",
                        "lakebase.databricks.sslmode",
                        "verify-full")))
                .satisfies(s -> assertThat(s.project()).isEqualTo("orders"))
                .satisfies(s -> assertThat(s.sslMode()).isEqualTo("verify-full"))
                .satisfies(s -> assertThat(s.database()).isEqualTo("databricks_postgres"))
                .satisfies(s -> assertThat(s.port()).isEqualTo(5432));
    }

    @Test
    void branchIdsFollowLakebaseRulesAndNameTheirRun() {
        assertThat(BranchIds.normalize("lbj_k3x9q2a_7_deletes_everything"))
                .isEqualTo("lbj-k3x9q2a-7-deletes-everything");
        assertThat(BranchIds.normalize("lbj_k3x9q2a_7_" + "x".repeat(80)))
                .hasSize(63)
                .matches("[a-z][a-z0-9-]*");
        BranchIds ids = new BranchIds("lbj_");
        assertThat(ids.run("lbj-k3x9q2a-7-deletes-everything")).contains("k3x9q2a");
        assertThat(ids.run("lbj-k3x9q2a-base-2")).contains("k3x9q2a");
        assertThat(ids.run("lbj-k3x9q2a-parent-3-staging")).contains("k3x9q2a");
        assertThat(ids.run("lbj-feature-login")).isEmpty();
        assertThat(ids.run("production")).isEmpty();
        assertThat(new BranchIds("ci_").run("lbj-k3x9q2a-7")).isEmpty();
    }

    @LakebaseBranch
    static class NeedsABranchTestCase {
        @Test
        void test(DataSource dataSource) {
            assertThat(dataSource).isNotNull();
        }
    }

    private static Map<String, String> with(Map<String, String> configuration, String key, String value) {
        return LakebaseFaultTests.with(configuration, key, value);
    }

    private static Class<?> classOrNull(ClassLoader loader, String name) {
        try {
            return loader.loadClass(name);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** A reflective call that must fail; returns what it threw. */
    private static Throwable invocationFailure(ReflectiveCall call) throws Exception {
        try {
            call.run();
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @FunctionalInterface
    private interface ReflectiveCall {
        void run() throws Exception;
    }
}
