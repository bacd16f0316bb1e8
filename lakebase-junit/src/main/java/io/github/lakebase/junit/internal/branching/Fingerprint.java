package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.util.Digests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * A SHA-256 digest of what a base or a built parent is made of, so that a later run can tell whether
 * the one it finds is still right: the content of every file under the migration and callback locations
 * (SQL scripts, repeatable migrations, Java migration classes, callbacks), Flyway's settings without
 * secrets, every file of the class path roots that hold the Java code a base runs ({@link ClassRoots}),
 * a parent's scripts and initializer, with the versions of the library's base format and of Flyway.
 *
 * <pre>{@code
 * Optional<String> key = Fingerprint.of("base").add("parent", "template1")
 *         .addLocations(List.of("classpath:db/migration"), loader);
 * }</pre>
 */
final class Fingerprint {

    /** The version of the way the library builds bases and parents; a change here rebuilds them all. */
    static final String FORMAT = "2";

    private final MessageDigest digest;

    private Fingerprint(String kind) {
        digest = Digests.sha256();
        add("format", FORMAT).add("kind", kind);
    }

    /** A fingerprint of a base or a parent ({@code kind}) in this library's format. */
    static Fingerprint of(String kind) {
        return new Fingerprint(kind);
    }

    /** Adds a named value. */
    Fingerprint add(String label, String value) {
        return add(label, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds named content; the length goes first, so that no two sequences of values digest alike. */
    Fingerprint add(String label, byte[] content) {
        byte[] name = label.getBytes(StandardCharsets.UTF_8);
        digest.update(longBytes(name.length));
        digest.update(name);
        digest.update(longBytes(content.length));
        digest.update(content);
        return this;
    }

    /** Adds Flyway's settings, each key with its value, in the map's order. */
    Fingerprint addSettings(java.util.SortedMap<String, String> settings) {
        settings.forEach((key, value) -> add("setting " + key, value));
        return this;
    }

    /** Adds the Flyway version, which decides how migrations are applied and recorded. */
    Fingerprint addFlywayVersion() {
        return add(
                "flyway",
                resource(org.flywaydb.core.Flyway.class.getClassLoader(), "org/flywaydb/core/internal/version.txt")
                        .map(b -> new String(b, StandardCharsets.UTF_8).trim())
                        .orElse("unknown"));
    }

    /**
     * Adds the Liquibase version: {@code build.version} of the {@code liquibase.build.properties} in Liquibase's jar,
     * read here rather than through {@code LiquibaseUtil.getBuildVersion()}, which publishes the properties before it
     * has loaded them and so answers {@code UNKNOWN} to a thread that asks meanwhile.
     */
    Fingerprint addLiquibaseVersion() {
        Properties build = new Properties();
        resource(Migrations.class.getClassLoader(), "liquibase.build.properties")
                .ifPresent(bytes -> {
                    try {
                        build.load(new ByteArrayInputStream(bytes));
                    } catch (IOException e) {
                        // as a jar without the file
                    }
                });
        return add("liquibase", build.getProperty("build.version", "UNKNOWN"));
    }

    /** Adds the bytes of a class as its class loader has them, when it can tell. */
    Fingerprint addClass(String className, ClassLoader loader) {
        return add(
                "class " + className,
                resource(loader, className.replace('.', '/') + ".class").orElse(new byte[0]));
    }

    /**
     * Adds every file under the Flyway locations, in a fixed order, by path relative to its location.
     *
     * @return this, or empty when a location cannot be read here (a cloud location, say): then there is
     *     nothing to compare a later run with
     */
    Optional<Fingerprint> addLocations(List<String> locations, ClassLoader loader) {
        try {
            for (String location : locations) {
                add("location", location);
                if (!LocationFiles.visit(location, loader, (path, content, root) -> add(path, content.read()))) {
                    return Optional.empty();
                }
            }
            return Optional.of(this);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Adds every file of each root (an output directory, a jar), by path relative to the root: what Java code of
     * the base can load from where it sits.
     */
    Optional<Fingerprint> addClassRoots(ClassRoots roots) {
        try {
            int index = 0;
            for (Path root : roots.paths()) {
                // Where the project sits is no part of it: a root is known by its place in the list.
                add("class path root", String.valueOf(index++));
                if (Files.isDirectory(root)) {
                    List<Path> files;
                    try (var walk = Files.walk(root)) {
                        files = walk.filter(Files::isRegularFile).sorted().toList();
                    }
                    for (Path file : files) {
                        add(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                    }
                } else {
                    try (JarFile jar = new JarFile(root.toFile())) {
                        for (JarEntry entry : jar.stream()
                                .filter(e -> !e.isDirectory())
                                .sorted(Comparator.comparing(JarEntry::getName))
                                .toList()) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                add(entry.getName(), in.readAllBytes());
                            }
                        }
                    }
                }
            }
            return Optional.of(this);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The digest, in hexadecimal. */
    String hex() {
        return Digests.hex(digest);
    }

    private static Optional<byte[]> resource(ClassLoader loader, String name) {
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        for (int i = 7; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return bytes;
    }

    /**
     * What the migrations of {@code plan} are made of (their files, the tool's settings and version, the Java code
     * under {@code roots}), wherever they are applied; empty when they cannot be read here (a cloud location, say).
     */
    static Optional<String> ofMigrations(Migrations.Plan plan, ClassRoots roots, ClassLoader loader) {
        Fingerprint migrations =
                Fingerprint.of("migrations").add("idempotency checked", String.valueOf(plan.checked()));
        if (plan.liquibase().isPresent()) {
            return Changelogs.fingerprint(
                            migrations.addSettings(plan.liquibase().get().fingerprinted()),
                            plan.locations(),
                            plan.liquibase().get(),
                            loader)
                    .map(Fingerprint::hex);
        }
        return migrations
                .addFlywayVersion()
                .addSettings(plan.flyway().fingerprinted())
                .addLocations(plan.locations(), loader)
                .flatMap(f -> f.addLocations(plan.flyway().callbackLocations(), loader))
                .flatMap(f -> f.addClassRoots(roots))
                .map(Fingerprint::hex);
    }

    /** What the base that applies migrations made of {@code migrations} ({@link #ofMigrations}) to {@code source} is. */
    static String ofBase(String source, String migrations) {
        return Fingerprint.of("base")
                .add("parent", source)
                .add("migrations", migrations)
                .hex();
    }
}
