package io.github.lakebase.junit.internal.neon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What a user sees before any branch exists: a missing Jackson, a malformed project id. */
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
}
