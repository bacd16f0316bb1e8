package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.internal.server.EmbeddedProviderFactory;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProviderFactory;
import io.github.lakebase.junit.spi.ProviderContext;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep of what dead runs left ({@link io.github.lakebase.junit.spi.SweepingProvider}) is off a run's first
 * test's path: it runs beside the run's first fork, and the first test's body starts once it has ended, so that
 * no test sees what a dead run left. On the embedded server, wrapped by a provider whose sweep waits until it has
 * seen the run's first fork.
 */
class StartupSweepTests {

    @TempDir
    Path dir;

    @Test
    void theSweepRunsBesideTheFirstForkAndEndsBeforeTheFirstTest() throws Exception {
        Path services = dir.resolve("META-INF/services/" + BranchProviderFactory.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, SweepProbeFactory.class.getName() + "\n", StandardCharsets.UTF_8);
        SweepProbeFactory.reset();

        ResourceClassLoader.with(
                dir,
                List.of(),
                () -> Fixtures.assertAllSucceeded(
                        Fixtures.run(FirstTestCase.class, Map.of("lakebase.provider", SweepProbeFactory.ID)), 2));

        assertThat(SweepProbeFactory.SEEN)
                .as("what the sweep saw of the run")
                .containsExactly("a fork while the sweep ran", "the sweep ended before the first test's body");
    }

    @LakebaseBranch
    static class FirstTestCase {

        @Test
        void first(DataSource dataSource) throws Exception {
            if (SweepProbeFactory.ENDED.get()) {
                SweepProbeFactory.SEEN.add("the sweep ended before the first test's body");
            }
            assertThat(Fixtures.count(dataSource, "SELECT 1")).isEqualTo(1);
        }

        @Test
        void second(DataSource dataSource) throws Exception {
            assertThat(Fixtures.count(dataSource, "SELECT 1")).isEqualTo(1);
        }
    }

    /**
     * The embedded provider, whose sweep waits (at most 20 s) until the provider has been asked for a database of
     * the run, and then sweeps as the embedded provider does. Loaded through the context class loader of the test
     * only.
     */
    public static final class SweepProbeFactory implements BranchProviderFactory {

        static final String ID = "sweep-probe";
        static final Set<String> SEEN = Collections.synchronizedSet(new LinkedHashSet<>());
        static final AtomicBoolean ENDED = new AtomicBoolean();
        private static volatile CountDownLatch forked = new CountDownLatch(1);

        static void reset() {
            SEEN.clear();
            ENDED.set(false);
            forked = new CountDownLatch(1);
        }

        @Override
        public String id() {
            return ID;
        }

        @Override
        public BranchProvider create(ProviderContext context) {
            BranchProvider embedded = new EmbeddedProviderFactory().create(context);
            CountDownLatch fork = forked;
            InvocationHandler handler = (proxy, method, args) -> {
                String name = method.getName();
                if (name.equals("create") || name.equals("createSpare")) {
                    fork.countDown();
                } else if (name.equals("sweep")) {
                    if (fork.await(20, TimeUnit.SECONDS)) {
                        SEEN.add("a fork while the sweep ran");
                    }
                }
                try {
                    return method.invoke(embedded, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                } finally {
                    if (name.equals("sweep")) {
                        ENDED.set(true);
                    }
                }
            };
            Set<Class<?>> interfaces = new LinkedHashSet<>();
            for (Class<?> c = embedded.getClass(); c != null; c = c.getSuperclass()) {
                interfaces.addAll(List.of(c.getInterfaces()));
            }
            return (BranchProvider) Proxy.newProxyInstance(
                    SweepProbeFactory.class.getClassLoader(), interfaces.toArray(Class<?>[]::new), handler);
        }
    }
}
