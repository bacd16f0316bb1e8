package io.github.lakebase.junit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A location taken apart as Flyway reads it: class path by default, file system, or anything else kept whole. */
class LocationTests {

    @Test
    void aClassPathLocationIsItsResourcePathWithoutSlashes() {
        assertThat(Location.parse("classpath:/db/migration/"))
                .isEqualTo(new Location(Location.Kind.CLASSPATH, "db/migration"));
        assertThat(Location.parse("db/migration")).isEqualTo(new Location(Location.Kind.CLASSPATH, "db/migration"));
    }

    @Test
    void aFileSystemLocationIsItsPathAsWritten() {
        Location location = Location.parse("filesystem:src/main/db");

        assertThat(location.kind()).isEqualTo(Location.Kind.FILESYSTEM);
        assertThat(location.file()).isEqualTo(Path.of("src/main/db"));
    }

    @Test
    void anyOtherLocationIsKeptWhole() {
        assertThat(Location.parse("s3:bucket/db")).isEqualTo(new Location(Location.Kind.OTHER, "s3:bucket/db"));
        assertThat(Location.parse("classpath*:schema.sql"))
                .isEqualTo(new Location(Location.Kind.OTHER, "classpath*:schema.sql"));
    }
}
