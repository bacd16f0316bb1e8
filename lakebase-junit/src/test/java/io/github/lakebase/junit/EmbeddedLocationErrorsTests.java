package io.github.lakebase.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the embedded server's files go is configurable, and a place that cannot be used, or a bound of
 * the cache that cannot be read, fails with a message naming it and the key to change.
 */
class EmbeddedLocationErrorsTests {

    @TempDir
    Path work;

    @Test
    void aCacheDirectoryThatCannotBeCreatedIsNamedWithItsKey() throws IOException {
        Path file = Files.writeString(work.resolve("a-file"), "not a directory");
        Path cache = file.resolve("cache");

        String message = configurationError(Map.of("lakebase.embedded.cache-directory", cache.toString()));

        assertThat(message)
                .contains("Could not create the cache directory " + cache)
                .contains("Set lakebase.embedded.cache-directory to a directory this JVM can write to");
    }

    @Test
    void aBinariesDirectoryThatCannotBeCreatedIsNamedWithItsKey() throws IOException {
        Path file = Files.writeString(work.resolve("a-file"), "not a directory");
        Path binaries = file.resolve("binaries");

        String message = configurationError(Map.of("lakebase.embedded.binaries-directory", binaries.toString()));

        assertThat(message)
                .contains("Could not create the directory " + binaries)
                .contains("Set lakebase.embedded.binaries-directory to a directory this JVM can write to");
    }

    @Test
    void aMaximumSizeOfTheCacheThatIsNoSizeSaysHowToWriteOne() {
        String message = configurationError(Map.of("lakebase.embedded.cache-max-size", "lots"));

        assertThat(message)
                .contains("lakebase.embedded.cache-max-size='lots' is not a size")
                .contains("10GB")
                .contains("the default is 10 GB");
    }

    @Test
    void aMaximumAgeOfTheCacheThatIsNoDurationSaysHowToWriteOne() {
        String message = configurationError(Map.of("lakebase.embedded.cache-max-age", "a month"));

        assertThat(message).contains("lakebase.embedded.cache-max-age='a month' is not a duration");
    }

    private static String configurationError(Map<String, String> configuration) {
        return Fixtures.onlyConfigurationError(Fixtures.run(ValidTestCase.class, configuration))
                .getMessage();
    }

    static class ValidTestCase {
        @Test
        @LakebaseBranch
        void test(DataSource dataSource) {}
    }
}
