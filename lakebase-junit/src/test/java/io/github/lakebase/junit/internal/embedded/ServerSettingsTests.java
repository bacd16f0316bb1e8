package io.github.lakebase.junit.internal.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the server on a data directory was started with, from the command line PostgreSQL notes there. */
class ServerSettingsTests {

    @TempDir
    Path data;

    @Test
    void theSettingsOfTheCommandLineThatPostgresqlNoted() throws IOException {
        Files.writeString(
                data.resolve(ServerSettings.OPTIONS_FILE),
                "/opt/pg/bin/postgres \"-D\" \"/data dir\" \"-p\" \"5432\" \"-c\" \"unix_socket_directories=\" "
                        + "\"-c\" \"search_path=a, b\" \"-c\" \"work_mem=7MB\"\n");

        assertThat(ServerSettings.startedWith(data))
                .contains(Map.of("unix_socket_directories", "", "search_path", "a, b", "work_mem", "7MB"));
        assertThat(ServerSettings.warnIfOther(data, Map.of("unix_socket_directories", "", "search_path", "a, b")))
                .containsExactly("work_mem=7MB (this run: unset)");
    }

    @Test
    void aCommandLineTheLibraryDidNotWriteSaysNothing() throws IOException {
        assertThat(ServerSettings.startedWith(data)).as("no file").isEmpty();
        Files.writeString(data.resolve(ServerSettings.OPTIONS_FILE), "/opt/pg/bin/postgres \"-D\" \"/d\" \"-c\"\n");
        assertThat(ServerSettings.startedWith(data)).isEmpty();
        assertThat(ServerSettings.warnIfOther(data, Map.of("work_mem", "7MB"))).isEmpty();
    }
}
