package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Liquibase is an optional dependency: without it, Flyway works, and a changelog names the artifact to add. */
class LiquibaseAbsentTests {

    @Test
    void withoutLiquibaseAChangelogNamesTheDependencyToAddAndFlywayStillWorks() throws Exception {
        List<URL> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("liquibase-core")) {
                classPath.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader withoutLiquibase =
                new URLClassLoader(classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Object config = withoutLiquibase
                    .loadClass("io.github.lakebase.junit.internal.config.Configuration")
                    .getConstructor(Function.class, Map.class, String.class, ClassLoader.class)
                    .newInstance(
                            (Function<String, Optional<String>>) key -> Optional.empty(),
                            Map.of(),
                            "noliquibase",
                            withoutLiquibase);
            Method plan = withoutLiquibase
                    .loadClass(Migrations.class.getName())
                    .getDeclaredMethod("plan", List.class, config.getClass());
            plan.setAccessible(true);

            Throwable failure = null;
            try {
                plan.invoke(null, List.of("liquibase:db/changelog/db.changelog-master.xml"), config);
            } catch (InvocationTargetException e) {
                failure = e.getCause();
            }
            assertThat(failure)
                    .isNotNull()
                    .hasMessageContaining("Liquibase is not on the test class path")
                    .hasMessageContaining("add org.liquibase:liquibase-core (4.33.x) as a test dependency");

            Object flyway = plan.invoke(null, List.of("classpath:migrations/orders"), config);
            assertThat(flyway.toString()).contains("classpath:migrations/orders");
            // Linked (and so verified) without Liquibase: only Changelogs and LiquibaseLog need it.
            for (Class<?> type : List.of(Migrations.class, Bases.class, Idempotency.class, BranchService.class)) {
                assertThat(Class.forName(type.getName(), true, withoutLiquibase))
                        .isNotNull();
            }
        }
    }
}
