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
    void theIdsOfAUserAreReadFromTheFirstLineOfItsNameInThePasswdFile() throws IOException {
        Path passwd = work.resolve("passwd");
        Files.write(
                passwd,
                String.join(
                                "\n",
                                "# local users",
                                "",
                                "root:x:0:0:root:/root:/bin/bash",
                                "+@admins::::::",
                                "-guest::::::",
                                "m\u00fcller:x:1001:1001:J\u00fcrgen M\u00fcller:/home/mueller:/bin/bash",
                                "postgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash",
                                "nobody:*:4294967294:4294967294:Unprivileged User:/var/empty:/usr/bin/false",
                                "postgres:x:999:999:a later line of the same name:/:/bin/false",
                                "short:x:1002:1002",
                                "letters:x:one:two:::")
                        .getBytes(StandardCharsets.ISO_8859_1)); // a comment field that is not UTF-8

        assertThat(OsUser.fromPasswd(passwd, "postgres")).contains(new OsUser.Ids(101, 104));
        assertThat(OsUser.fromPasswd(passwd, "nobody"))
                .as("unsigned ids")
                .contains(
                        new OsUser.Ids(Integer.parseUnsignedInt("4294967294"), Integer.parseUnsignedInt("4294967294")));
        assertThat(OsUser.fromPasswd(passwd, "post"))
                .as("a name is matched whole")
                .isEmpty();
        assertThat(OsUser.fromPasswd(passwd, "guest"))
                .as("a line of NIS's compat syntax is no user")
                .isEmpty();
        assertThatThrownBy(() -> OsUser.fromPasswd(passwd, "short")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> OsUser.fromPasswd(passwd, "letters")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> OsUser.fromPasswd(work.resolve("missing"), "postgres"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void theFileIsTrustedWhereTheMachineLooksUsersUpThereFirst() throws IOException {
        assertThat(lookup("passwd: files")).isEqualTo(OsUser.Lookup.FILES_ONLY);
        assertThat(lookup("# users\npasswd:\tfiles   # local only\ngroup: files"))
                .isEqualTo(OsUser.Lookup.FILES_ONLY);
        assertThat(lookup("passwd:         files systemd")).isEqualTo(OsUser.Lookup.FILES_FIRST);
        assertThat(lookup("passwd: files [NOTFOUND=return] ldap")).isEqualTo(OsUser.Lookup.FILES_FIRST);
        assertThat(lookup("passwd: compat")).isEqualTo(OsUser.Lookup.FILES_FIRST);
        assertThat(lookup("group: files")).as("no passwd line: glibc's default").isEqualTo(OsUser.Lookup.FILES_FIRST);
        assertThat(OsUser.lookup(work.resolve("missing"))).isEqualTo(OsUser.Lookup.FILES_FIRST);
        assertThat(lookup("passwd: sss files systemd")).isEqualTo(OsUser.Lookup.OTHER);
        assertThat(lookup("passwd: ldap [NOTFOUND=return] files")).isEqualTo(OsUser.Lookup.OTHER);
    }

    @Test
    void asRootTheIdsReadFromThePasswdFileAreThoseIdGives() throws Exception {
        assumeTrue(OsUser.runningAsRoot(), "the JVM runs as root");
        OsUser user = OsUser.resolve(Optional.empty());
        String ids = output(List.of("id", "-u", user.name())) + ":" + output(List.of("id", "-g", user.name()));

        assertThat(user.ids()).isEqualTo(ids);
        OsUser.fromPasswd(Path.of(OsUser.PASSWD), user.name())
                .ifPresent(listed -> assertThat(
                                Integer.toUnsignedString(listed.uid()) + ":" + Integer.toUnsignedString(listed.gid()))
                        .as("the file and every lookup agree here")
                        .isEqualTo(ids));
    }

    private OsUser.Lookup lookup(String nsswitch) throws IOException {
        return OsUser.lookup(Files.writeString(work.resolve("nsswitch.conf"), nsswitch));
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
