package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A PostgreSQL cluster in a data directory that the library creates ({@code initdb}) and reuses: its
 * superuser password is kept in the directory, so that later runs, and other JVMs, can connect.
 *
 * <pre>{@code
 * String password = Cluster.prepare(tools, dataDirectory, cache.resolve("initdb"), () -> {});
 * }</pre>
 */
final class Cluster {

    static final String SUPERUSER = "postgres";
    private static final String PASSWORD_FILE = "lakebase-junit.password";

    private Cluster() {}

    /**
     * What initdb is told besides where the cluster goes and its password: part of what names an {@link
     * InitdbTemplates initdb template}, so that a change here makes a new one. One SCRAM iteration: the password is
     * 144 random bits, which no number of iterations makes harder to guess, and every connection (each test's
     * pool opens its own) would pay for the default 4096.
     */
    static final List<String> INITDB_OPTIONS = List.of(
            "-U",
            SUPERUSER,
            "-A",
            "scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C", // the operating system's locale, which exists everywhere
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
            "-c",
            "scram_iterations=1");

    /**
     * Creates a cluster in the empty (or new) {@code dataDirectory}, or checks the one there: it must be
     * the library's, and of the server's major version. A new cluster is a copy of the initdb template in
     * {@code templates} for these binaries, made first if need be ({@link InitdbTemplates}), or an initdb of
     * its own where no template can be had.
     *
     * @param templates where initdb templates are kept ({@code <cache>/initdb}), or {@code null} to run initdb
     * @param startsEmpty called before a new cluster is made, not when the directory holds one
     * @return the superuser's password
     * @throws ProviderException when the directory holds something else, or initdb fails
     */
    static String prepare(PgTools tools, Path dataDirectory, Path templates, Runnable startsEmpty) throws IOException {
        Files.createDirectories(dataDirectory);
        InitdbTemplates.undoInterruptedCopy(dataDirectory);
        if (Files.isRegularFile(dataDirectory.resolve("PG_VERSION"))) {
            return existing(tools, dataDirectory);
        }
        try (var entries = Files.list(dataDirectory)) {
            if (entries.findAny().isPresent()) {
                throw ProviderException.configuration("The data directory " + dataDirectory + " is not empty and holds "
                        + "no PostgreSQL cluster; it is left alone. Point lakebase.embedded.data-directory at an empty "
                        + "or new directory.");
            }
        }
        startsEmpty.run();
        tools.osUser().own(dataDirectory);
        Files.setPosixFilePermissions(dataDirectory, PosixFilePermissions.fromString("rwx------"));
        if (templates != null && InitdbTemplates.copyInto(tools, templates, dataDirectory)) {
            return password(dataDirectory)
                    .orElseThrow(() -> new IOException("The copy in " + dataDirectory + " has no " + PASSWORD_FILE));
        }
        return initdb(tools, dataDirectory);
    }

    /**
     * Runs initdb in the empty {@code dataDirectory}, which the server's OS user owns, with a new random
     * superuser password, and keeps the password in the directory.
     *
     * @return the superuser's password
     * @throws ProviderException when initdb fails, with its output
     */
    static String initdb(PgTools tools, Path dataDirectory) throws IOException {
        String generated = newPassword();
        Path pwfile = EmbeddedServer.sibling(dataDirectory, ".pwfile"); // named after the directory: a sweep finds it
        try {
            Files.deleteIfExists(pwfile);
            Files.createFile(
                    pwfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pwfile, generated + "\n");
            tools.osUser().own(pwfile);
            List<String> command =
                    new ArrayList<>(List.of(tools.bin("initdb"), "-D", dataDirectory.toString(), "--pwfile=" + pwfile));
            command.addAll(INITDB_OPTIONS);
            tools.run(command, Duration.ofMinutes(3));
        } finally {
            Files.deleteIfExists(pwfile);
        }
        keep(dataDirectory, generated);
        return generated;
    }

    /**
     * Gives the superuser of the cluster in {@code dataDirectory}, which no server runs on, a new random password,
     * and keeps it in the directory: through PostgreSQL's single-user mode ({@code postgres --single}), which takes
     * statements on its standard input and needs no server, about a tenth of a second.
     *
     * @throws ProviderException when PostgreSQL does not take the statement, with its output
     */
    static void newPassword(PgTools tools, Path dataDirectory) throws IOException {
        String generated = newPassword();
        String out = tools.run(
                List.of(
                        tools.bin("postgres"),
                        "--single",
                        "-D",
                        dataDirectory.toString(),
                        "-c",
                        "fsync=off",
                        "-c",
                        "log_min_messages=warning",
                        "-c",
                        "log_checkpoints=off",
                        "postgres"),
                "ALTER ROLE " + SUPERUSER + " PASSWORD '" + generated + "';\n",
                Duration.ofMinutes(1));
        // The single-user mode ends with 0 whatever its statements did: its output says.
        if (out.contains("ERROR:") || out.contains("FATAL:") || out.contains("PANIC:")) {
            throw new ProviderException(
                    "Could not set the superuser's password of " + dataDirectory + ":\n" + out.trim(), null);
        }
        keep(dataDirectory, generated);
    }

    /** 144 random bits, in hexadecimal. */
    private static String newPassword() {
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        return HexFormat.of().formatHex(secret);
    }

    /** Keeps {@code password} in {@code dataDirectory}, readable by this JVM's user only. */
    private static void keep(Path dataDirectory, String password) throws IOException {
        Path passwordFile = dataDirectory.resolve(PASSWORD_FILE);
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    }

    private static String existing(PgTools tools, Path dataDirectory) throws IOException {
        String major = Files.readString(dataDirectory.resolve("PG_VERSION")).trim();
        String ours = tools.majorVersion();
        if (!major.equals(ours)) {
            throw ProviderException.configuration("The data directory " + dataDirectory + " holds a PostgreSQL "
                    + major + " cluster, but the embedded server is PostgreSQL " + ours + ". Delete the directory "
                    + "or point lakebase.embedded.data-directory elsewhere.");
        }
        return password(dataDirectory)
                .orElseThrow(() -> ProviderException.configuration("The data directory "
                        + dataDirectory + " holds a PostgreSQL cluster that lakebase-junit did not create (no "
                        + PASSWORD_FILE
                        + "); it is left alone. Point lakebase.embedded.data-directory at an empty or new directory."));
    }

    /** The superuser password of the library's cluster in {@code dataDirectory}, if it is one. */
    static java.util.Optional<String> password(Path dataDirectory) throws IOException {
        Path passwordFile = dataDirectory.resolve(PASSWORD_FILE);
        return Files.isRegularFile(passwordFile)
                ? java.util.Optional.of(Files.readString(passwordFile).trim())
                : java.util.Optional.empty();
    }
}
