package io.github.lakebase.junit.internal.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;

/**
 * The names of the JUnit configuration parameters in use, which JUnit does not list for an extension: an
 * extension asks for a parameter by name. A launcher (Maven Surefire, Gradle, an IDE, the console launcher)
 * finds this listener with {@link java.util.ServiceLoader} and shows it the names of every run it discovers,
 * its explicit parameters ({@code configurationParameters} in Surefire) too; the system properties and
 * {@code junit-platform.properties} are read here as well, for engines run without a launcher (JUnit's
 * {@code EngineTestKit}). Only names are kept; the values are asked of the test's own configuration.
 *
 * <pre>{@code
 * Set<String> names = LaunchedParameters.names("flyway.", loader);   // e.g. flyway.placeholders.tenant
 * }</pre>
 */
public final class LaunchedParameters implements LauncherDiscoveryListener {

    /** Only the names of the keys the library passes on are kept, not every parameter of every run. */
    static final Set<String> PREFIXES = Set.of("flyway.", "lakebase.liquibase.parameter.");

    private static final Set<String> LAUNCHED = ConcurrentHashMap.newKeySet();
    private static final Map<ClassLoader, Set<String>> PROPERTIES_FILES = new ConcurrentHashMap<>();

    /** Created by the launcher through {@link java.util.ServiceLoader}. */
    public LaunchedParameters() {}

    @Override
    public void launcherDiscoveryStarted(LauncherDiscoveryRequest request) {
        request.getConfigurationParameters().keySet().stream()
                .filter(LaunchedParameters::kept)
                .forEach(LAUNCHED::add);
    }

    /** The names that start with {@code prefix}, from every source this JVM knows of. */
    static Set<String> names(String prefix, ClassLoader loader) {
        Set<String> names = new TreeSet<>();
        LAUNCHED.stream().filter(n -> n.startsWith(prefix)).forEach(names::add);
        System.getProperties().stringPropertyNames().stream()
                .filter(n -> n.startsWith(prefix))
                .forEach(names::add);
        if (loader != null) {
            PROPERTIES_FILES.computeIfAbsent(loader, LaunchedParameters::propertiesFile).stream()
                    .filter(n -> n.startsWith(prefix))
                    .forEach(names::add);
        }
        return names;
    }

    private static boolean kept(String name) {
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
                .filter(LaunchedParameters::kept)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
