package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * A PostgreSQL cluster in a data directory that the library creates ({@code initdb}) and reuses: its
 * superuser password is kept in the directory, so that later runs, and other JVMs, can connect.
 *
 * <pre>{@code
 * String password = Cluster.prepare(tools, dataDirectory);
 * }</pre>
 */
final class Cluster {

    static final String SUPERUSER = "postgres";
    private static final String PASSWORD_FILE = "lakebase-junit.password";

    private Cluster() {}

    /**
     * Creates a cluster in the empty (or new) {@code dataDirectory}, or checks the one there: it must be
     * the library's, and of the server's major version.
     *
     * @return the superuser's password
     */
    static String prepare(PgTools tools, Path dataDirectory) throws IOException {
        Files.createDirectories(dataDirectory);
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
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String generated = HexFormat.of().formatHex(secret);
        tools.osUser().own(dataDirectory);
        Files.setPosixFilePermissions(dataDirectory, PosixFilePermissions.fromString("rwx------"));
        Path pwfile = EmbeddedServer.sibling(dataDirectory, ".pwfile"); // named after the directory: a sweep finds it
        try {
            Files.deleteIfExists(pwfile);
            Files.createFile(
                    pwfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pwfile, generated + "\n");
            tools.osUser().own(pwfile);
            // One SCRAM iteration: the password is 144 random bits, which no number of iterations makes harder to
            // guess, and every connection (each test's pool opens its own) would pay for the default 4096.
            tools.run(
                    List.of(
                            tools.bin("initdb"),
                            "-D",
                            dataDirectory.toString(),
                            "-U",
                            SUPERUSER,
                            "--pwfile=" + pwfile,
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
                            "scram_iterations=1"),
                    Duration.ofMinutes(3));
        } finally {
            Files.deleteIfExists(pwfile);
        }
        Path passwordFile = dataDirectory.resolve(PASSWORD_FILE);
        Files.writeString(passwordFile, generated + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        return generated;
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
