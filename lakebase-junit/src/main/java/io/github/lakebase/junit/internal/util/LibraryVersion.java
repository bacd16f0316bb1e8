package io.github.lakebase.junit.internal.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;

/**
 * This library's version, for the commands it prints: the Maven plugin's coordinates in the run report and in
 * the command that reaches a kept branch, so that Maven runs the plugin of the same version rather than the
 * newest it finds. It comes from the descriptor Maven writes into every jar it builds ({@code
 * META-INF/maven/<groupId>/<artifactId>/pom.properties}, <a
 * href="https://maven.apache.org/shared/maven-archiver/#class_archive">Maven Archiver</a>); the jar's manifest has
 * no {@code Implementation-Version}.
 *
 * <pre>{@code
 * String plugin = "io.github.lakebase:lakebase-maven-plugin" + LibraryVersion.current().map(v -> ":" + v).orElse("");
 * }</pre>
 */
public final class LibraryVersion {

    /** Where Maven puts the descriptor in the library's jar. */
    static final String DESCRIPTOR = "META-INF/maven/io.github.lakebase/lakebase-junit/pom.properties";

    private LibraryVersion() {}

    /**
     * The version of the library this class was loaded with.
     *
     * @return the version; empty when the library runs from classes rather than its jar (its own build)
     */
    public static Optional<String> current() {
        return of(LibraryVersion.class.getClassLoader());
    }

    /** The version the descriptor that {@code loader} finds gives; empty when it finds none, or cannot read it. */
    static Optional<String> of(ClassLoader loader) {
        if (loader == null) {
            return Optional.empty();
        }
        try (InputStream in = loader.getResourceAsStream(DESCRIPTOR)) {
            if (in == null) {
                return Optional.empty();
            }
            Properties descriptor = new Properties();
            descriptor.load(in);
            return Optional.ofNullable(descriptor.getProperty("version")).filter(v -> !v.isBlank());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
