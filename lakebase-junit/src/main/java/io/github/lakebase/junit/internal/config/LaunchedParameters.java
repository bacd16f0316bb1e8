package io.github.lakebase.junit.internal.config;

import io.github.lakebase.junit.internal.util.JdbcWarmUp;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;

/**
 * The names of the JUnit configuration parameters in use, which JUnit does not list for an extension: an
 * extension asks for a parameter by name. A launcher (Maven Surefire, Gradle, an IDE, the console launcher)
 * finds this listener with {@link java.util.ServiceLoader} and shows it the names of every run it discovers,
 * its explicit parameters ({@code configurationParameters} in Surefire) too; the system properties and
 * {@code junit-platform.properties} are read too ({@link ParameterNames}), for engines run without a launcher (JUnit's
 * {@code EngineTestKit}). Only names are kept; the values are asked of the test's own configuration.
 *
 * <p>It holds no state of its own ({@link ParameterNames} does), so that the rest of the library runs where no
 * launcher is on the class path (the command line).
 *
 * <p>Discovery is also the earliest the library is called in a test JVM: it starts readying the JVM's first
 * PostgreSQL login there ({@link JdbcWarmUp}), hundreds of milliseconds before a test class's first callback.
 */
public final class LaunchedParameters implements LauncherDiscoveryListener {

    /** Created by the launcher through {@link java.util.ServiceLoader}. */
    public LaunchedParameters() {}

    @Override
    public void launcherDiscoveryStarted(LauncherDiscoveryRequest request) {
        JdbcWarmUp.startOnce(LaunchedParameters.class.getClassLoader());
        request.getConfigurationParameters().keySet().stream()
                .filter(ParameterNames::kept)
                .forEach(ParameterNames::launched);
    }
}
