package io.github.lakebase.junit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test JVM whose environment names a locale the machine has not generated ({@code LANG=de_DE.UTF-8}
 * on a minimal image): the server's programs (initdb, the server, pg_ctl, setpriv) inherit no locale,
 * and set the one they need themselves.
 */
class UngeneratedLocaleTests {

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("locale-");

    @Test
    void aJvmWithAnUngeneratedLocaleGetsAWorkingBranchAndItsServerInheritsNoLocale() throws Exception {
        String locale = ungeneratedLocale();
        // A cache of its own: initdb runs there (for the cluster new data directories copy), not in this JVM's.
        Path cache = jvms.work().resolve("cache");
        Map<String, String> environment = Map.of(
                "LANG",
                locale,
                "LC_ALL",
                locale,
                "LC_CTYPE",
                locale,
                "LC_MESSAGES",
                locale,
                "LANGUAGE",
                locale.substring(0, 2),
                ChildJvms.CACHE_VARIABLE,
                cache.toString());
        Map<String, String> configuration = Map.of(
                "lakebase.embedded.data-directory",
                        jvms.work().resolve("pgdata").toString(),
                "lakebase.embedded.binaries-directory",
                        ChildJvms.sharedBinaries().toString());

        ChildJvm child = jvms.start(
                "locale", SharedDataDirectoryTests.SharingTestCase.class, configuration, List.of(), environment);
        String datadir = child.awaitReport().dataDirectory();

        // The postmaster's children get its environment as they fork. Theirs cannot be read back: PostgreSQL
        // writes a child's process title over the memory /proc/<pid>/environ shows (ps_status.c), which the
        // postmaster leaves as it is.
        long postmaster = ChildJvms.postmaster(datadir);
        assertThat(localeVariables(postmaster))
                .as("the locale variables of the postmaster, process %d (%s)", postmaster, commandLine(postmaster))
                .containsExactly("LC_ALL=C");
        child.go("1");
        child.go("2");
        assertThat(child.awaitExit()).as("the run passes:\n%s", child.logTail()).isZero();
        try (var templates = Files.list(cache.resolve("initdb"))) {
            assertThat(templates.map(t -> t.resolve("PG_VERSION")))
                    .as("the cluster initdb made under that locale")
                    .anyMatch(Files::isRegularFile);
        }
    }

    /** A locale this machine has not generated, as {@code locale -a} lists what it has. */
    private static String ungeneratedLocale() throws IOException, InterruptedException {
        Set<String> generated = Set.of();
        try {
            Process p =
                    new ProcessBuilder("locale", "-a").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() == 0) {
                generated = Arrays.stream(out.split("\n"))
                        .map(UngeneratedLocaleTests::normalized)
                        .collect(Collectors.toSet());
            }
        } catch (IOException e) {
            // no locale program: nothing generated to avoid
        }
        for (String candidate : List.of("de_DE.UTF-8", "fr_FR.UTF-8", "sv_FI.UTF-8")) {
            if (!generated.contains(normalized(candidate))) {
                return candidate;
            }
        }
        throw new AssertionError("every candidate locale is generated here: " + generated);
    }

    private static String normalized(String locale) {
        return locale.trim().toLowerCase(Locale.ROOT).replace("utf-8", "utf8");
    }

    /** The environment variables of process {@code pid} that choose a locale. */
    private static List<String> localeVariables(long pid) throws IOException {
        String environ =
                new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
        return Arrays.stream(environ.split("\0"))
                .filter(v -> v.startsWith("LANG=") || v.startsWith("LANGUAGE=") || v.startsWith("LC_"))
                .sorted()
                .toList();
    }

    private static String commandLine(long pid) {
        try {
            return new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ')
                    .trim();
        } catch (IOException e) {
            return "gone";
        }
    }
}
