package io.github.lakebase.junit.internal.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of the JUnit configuration parameters this JVM knows of: those a launcher showed {@link
 * LaunchedParameters}, the system properties, and {@code junit-platform.properties}. Free of the JUnit
 * Platform launcher's API, which is absent where no test runs (the command line).
 *
 * <pre>{@code
 * Set<String> names = ParameterNames.names("flyway.", loader);   // e.g. flyway.placeholders.tenant
 * }</pre>
 */
final class ParameterNames {

    /** Only the names of the keys the library passes on are kept, not every parameter of every run. */
    static final Set<String> PREFIXES = Set.of("flyway.", "lakebase.liquibase.parameter.");

    private static final Set<String> LAUNCHED = ConcurrentHashMap.newKeySet();
    private static final Map<ClassLoader, Set<String>> PROPERTIES_FILES = new ConcurrentHashMap<>();

    private ParameterNames() {}

    /** Remembers a name a launcher was given. */
    static void launched(String name) {
        LAUNCHED.add(name);
    }

    /** The names that start with {@code prefix}, from every source this JVM knows of. */
    static Set<String> names(String prefix, ClassLoader loader) {
        Set<String> names = new TreeSet<>();
        LAUNCHED.stream().filter(n -> n.startsWith(prefix)).forEach(names::add);
        System.getProperties().stringPropertyNames().stream()
                .filter(n -> n.startsWith(prefix))
                .forEach(names::add);
        if (loader != null) {
            PROPERTIES_FILES.computeIfAbsent(loader, ParameterNames::propertiesFile).stream()
                    .filter(n -> n.startsWith(prefix))
                    .forEach(names::add);
        }
        return names;
    }

    static boolean kept(String name) {
        return PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** The names in the {@code junit-platform.properties} JUnit reads: the first on the class path. */
    private static Set<String> propertiesFile(ClassLoader loader) {
        URL file = loader.getResource("junit-platform.properties");
        if (file == null) {
            return Set.of();
        }
        Properties properties = new Properties();
        try (InputStream in = file.openStream()) {
            properties.load(in);
        } catch (IOException e) {
            return Set.of(); // JUnit reports a file it cannot read
        }
        return properties.stringPropertyNames().stream()
                .filter(ParameterNames::kept)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
