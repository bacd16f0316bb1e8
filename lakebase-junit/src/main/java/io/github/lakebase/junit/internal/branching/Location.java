package io.github.lakebase.junit.internal.branching;

import java.nio.file.Path;

/**
 * A location as Flyway writes it, and as the library's parent scripts are written: {@code classpath:}
 * (the default when there is no prefix) or {@code filesystem:}; anything else (a cloud location, say)
 * is {@linkplain Kind#OTHER other}. The one place such a string is taken apart.
 *
 * <pre>{@code
 * Location.parse("classpath:/db/migration/").path();   // "db/migration"
 * Location.parse("filesystem:src/main/db").file();       // Path.of("src/main/db")
 * }</pre>
 *
 * @param kind where the location points
 * @param path the class path resource (no leading or trailing slash), the file system path, or the
 *     whole location for {@link Kind#OTHER}
 */
record Location(Kind kind, String path) {

    /** Where a location points. */
    enum Kind {
        CLASSPATH,
        FILESYSTEM,
        OTHER
    }

    private static final String CLASSPATH = "classpath:";
    private static final String FILESYSTEM = "filesystem:";

    static Location parse(String location) {
        if (location.startsWith(FILESYSTEM)) {
            return new Location(Kind.FILESYSTEM, location.substring(FILESYSTEM.length()));
        }
        if (location.startsWith(CLASSPATH) || !location.contains(":")) {
            String path = location.startsWith(CLASSPATH) ? location.substring(CLASSPATH.length()) : location;
            return new Location(Kind.CLASSPATH, path.replaceAll("^/+|/+$", ""));
        }
        return new Location(Kind.OTHER, location);
    }

    /** The file system path of a {@code filesystem:} location. */
    Path file() {
        return Path.of(path);
    }
}
