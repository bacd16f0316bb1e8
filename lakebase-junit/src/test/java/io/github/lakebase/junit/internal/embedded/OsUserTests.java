package io.github.lakebase.junit.internal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OS user the embedded server runs as: the JVM's own, or, when the JVM runs as root, an unprivileged user
 * whose commands and files are that user's, with that user's primary group.
 */
class OsUserTests {

    @TempDir
    Path work;

    @Test
    void asRootCommandsRunAsTheUnprivilegedUserWithItsPrimaryGroup() throws Exception {
        assumeTrue(OsUser.runningAsRoot(), "the JVM runs as root");
        OsUser user = OsUser.resolve(Optional.empty());

        assertThat(user.name()).isIn("postgres", "nobody");
        assertThat(user.switchesUser()).isTrue();
        assertThat(output(user.command(List.of("id", "-un")))).isEqualTo(user.name());
        assertThat(output(user.command(List.of("id", "-g")))).isEqualTo(output(List.of("id", "-g", user.name())));
        assertThat(output(user.command(List.of("id", "-G"))))
                .as("the groups of the commands, which root's supplementary groups must not reach")
                .isEqualTo(output(List.of("id", "-g", user.name())));
    }

    @Test
    void asRootFilesAreHandedToTheUserAndItsPrimaryGroup() throws Exception {
        assumeTrue(OsUser.runningAsRoot(), "the JVM runs as root");
        OsUser user = OsUser.resolve(Optional.empty());
        Path dir = Files.createDirectory(work.resolve("handed"));

        user.own(dir);

        assertThat(Files.getOwner(dir).getName()).isEqualTo(user.name());
        assertThat(Files.getAttribute(dir, "unix:gid").toString()).isEqualTo(output(List.of("id", "-g", user.name())));
    }

    @Test
    void asRootAConfiguredUserIsTakenAndAnUnknownOneRefused() throws Exception {
        assumeTrue(OsUser.runningAsRoot(), "the JVM runs as root");

        assertThat(OsUser.resolve(Optional.of("nobody")).name()).isEqualTo("nobody");
        assertThat(output(OsUser.resolve(Optional.of("nobody")).command(List.of("id", "-un"))))
                .isEqualTo("nobody");
        assertThatThrownBy(() -> OsUser.resolve(Optional.of("no-such-user-lbj")))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("lakebase.embedded.os-user='no-such-user-lbj' is not a user of this machine")
                .matches(e -> ((ProviderException) e).isConfigurationError());
    }

    @Test
    void theIdsOfAUserAreReadFromThePasswdFileAsPasswd5WritesIt() throws IOException {
        Path passwd = Files.writeString(
                work.resolve("passwd"),
                String.join(
                        "\n",
                        "root:x:0:0:root:/root:/bin/bash",
                        "broken:x:none:none::/:/bin/false",
                        "postgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash",
                        "nobody:*:4294967294:4294967294:Unprivileged User:/var/empty:/usr/bin/false",
                        "postgres:x:999:999:a later line of the same name:/:/bin/false"));

        assertThat(OsUser.fromPasswd(passwd, "postgres")).contains(new OsUser.Ids(101, 104));
        assertThat(OsUser.fromPasswd(passwd, "nobody"))
                .as("unsigned, as on macOS")
                .contains(
                        new OsUser.Ids(Integer.parseUnsignedInt("4294967294"), Integer.parseUnsignedInt("4294967294")));
        assertThat(OsUser.fromPasswd(passwd, "post"))
                .as("a name is matched whole")
                .isEmpty();
        assertThat(OsUser.fromPasswd(passwd, "broken")).isEmpty();
        assertThat(OsUser.fromPasswd(work.resolve("missing"), "postgres")).isEmpty();
    }

    @Test
    void asRootTheIdsReadFromThePasswdFileAreThoseIdGives() throws Exception {
        assumeTrue(OsUser.runningAsRoot(), "the JVM runs as root");
        OsUser user = OsUser.resolve(Optional.empty());

        assertThat(user.ids())
                .isEqualTo(output(List.of("id", "-u", user.name())) + ":" + output(List.of("id", "-g", user.name())));
    }

    @Test
    void asAnyOtherUserCommandsRunUnchangedAndAnotherUserIsRefused() {
        assumeFalse(OsUser.runningAsRoot(), "the JVM runs as a normal user");
        OsUser user = OsUser.resolve(Optional.empty());

        assertThat(user.name()).isEqualTo(System.getProperty("user.name"));
        assertThat(user.command(List.of("id", "-un"))).containsExactly("id", "-un");
        assertThatThrownBy(() -> OsUser.resolve(Optional.of("nobody")))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("needs the JVM to run as root");
    }

    private static String output(List<String> command) throws IOException, InterruptedException {
        Process p = ChildProcesses.builder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as("the exit code of %s: %s", command, out).isZero();
        return out;
    }
}
