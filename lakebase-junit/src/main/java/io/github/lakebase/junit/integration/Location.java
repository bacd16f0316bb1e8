package io.github.lakebase.junit.integration;

import java.nio.file.Path;

/**
 * A location as Flyway writes it, and as the library's parent scripts and Liquibase changelogs are
 * written: {@code classpath:} (the default when there is no prefix) or {@code filesystem:}; anything else
 * (a cloud location, a Spring resource pattern) is {@linkplain Kind#OTHER other}. The one place such a
 * string is taken apart, for the engine and for integrations that read an application's locations (the
 * Spring module fingerprints the files under Boot's {@code spring.flyway.locations}).
 *
 * <pre>{@code
 * Location.parse("classpath:/db/migration/").path();   // "db/migration"
 * Location.parse("db/migration").kind();               // Kind.CLASSPATH
 * Location.parse("filesystem:src/main/db").file();     // Path.of("src/main/db")
 * Location.parse("s3:bucket/db").path();               // "s3:bucket/db", Kind.OTHER
 * }</pre>
 *
 * @param kind where the location points
 * @param path the class path resource (no leading or trailing slash), the file system path as written, or
 *     the whole location for {@link Kind#OTHER}
 */
public record Location(Kind kind, String path) {

    /** Where a location points. */
    public enum Kind {
        /** A resource on the class path: {@code classpath:}, or no prefix. */
        CLASSPATH,
        /** A directory or file on the file system, relative to the working directory or absolute. */
        FILESYSTEM,
        /** Anything else, kept whole. */
        OTHER
    }

    private static final String CLASSPATH = "classpath:";
    private static final String FILESYSTEM = "filesystem:";

    /**
     * Takes a location apart.
     *
     * @param location a location as written, for example {@code "classpath:db/migration"}
     * @return its kind and path
     * @throws NullPointerException when {@code location} is {@code null}
     */
    public static Location parse(String location) {
        if (location.startsWith(FILESYSTEM)) {
            return new Location(Kind.FILESYSTEM, location.substring(FILESYSTEM.length()));
        }
        if (location.startsWith(CLASSPATH) || !location.contains(":")) {
            String path = location.startsWith(CLASSPATH) ? location.substring(CLASSPATH.length()) : location;
            return new Location(Kind.CLASSPATH, path.replaceAll("^/+|/+$", ""));
        }
        return new Location(Kind.OTHER, location);
    }

    /**
     * The file system path of a {@code filesystem:} location.
     *
     * @return {@link #path()} as a {@code Path}
     */
    public Path file() {
        return Path.of(path);
    }
}
