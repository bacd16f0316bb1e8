package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.util.LibraryVersion;
import io.github.lakebase.junit.spi.Redaction;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one command that reaches a kept branch after the JVM exits, for the line that says it is kept: the
 * Maven plugin's {@code connect} goal in the module whose tests ran, when they ran under Maven, else the
 * library's main class with this JVM's class path. Either way the command reads the project's configuration
 * as the tests did, and gets the {@code lakebase.*} system properties this JVM was given, but for those that
 * hold a secret (a password, a token, a URL with a password). Under Maven it names the local repository the
 * library's jar is in ({@code -Dmaven.repo.local}), which a build may have moved.
 *
 * <pre>{@code
 * /work/app/mvnw -f /work/app/pom.xml -Dmaven.repo.local=/home/dev/.m2/repository io.github.lakebase:lakebase-maven-plugin:0.1.0:connect -Dlakebase.branch=lbj_k3x9a1b_3_refund
 * }</pre>
 */
final class ReachCommand {

    /** The main class of the command line. */
    static final String MAIN_CLASS = "io.github.lakebase.junit.cli.Branches";

    /** The library's artifact id. */
    private static final String ARTIFACT = "lakebase-junit";
    /** Its directory in a Maven repository, above one per version: its group id's, then its artifact id. */
    private static final Path LAYOUT = Path.of("io", "github", "lakebase", ARTIFACT);

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private ReachCommand() {}

    /** The command that connects to {@code branch}. */
    static String connect(String branch) {
        String basedir = System.getProperty("basedir");
        Path pom = basedir != null && underMaven() && Files.isRegularFile(Path.of(basedir, "pom.xml"))
                ? Path.of(basedir, "pom.xml").toAbsolutePath()
                : null;
        return connect(branch, pom, librarySource().orElse(null));
    }

    /**
     * The command that connects to {@code branch}.
     *
     * @param pom the {@code pom.xml} of the module whose tests ran under Maven; null when they did not
     * @param library where the library was loaded from (its jar, or a build's classes); null when unknown. Under
     *     Maven, the local repository its jar is in is named on the command, so that the plugin and the library
     *     resolve where the tests found them
     */
    static String connect(String branch, Path pom, Path library) {
        List<String> properties = System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("lakebase.") && !k.equals("lakebase.branch") && !secret(k))
                .sorted()
                .map(k -> quote("-D" + k + "=" + System.getProperty(k)))
                .toList();
        List<String> words = new ArrayList<>();
        if (pom != null) {
            Path absolute = pom.toAbsolutePath();
            words.addAll(List.of(maven(absolute.getParent()), "-f", quote(absolute.toString())));
            Optional.ofNullable(library)
                    .flatMap(ReachCommand::localRepository)
                    .ifPresent(repository -> words.add(quote("-Dmaven.repo.local=" + repository)));
            words.add("io.github.lakebase:lakebase-maven-plugin:"
                    + LibraryVersion.current().map(v -> v + ":").orElse("") + "connect");
            words.add(quote("-Dlakebase.branch=" + branch));
            words.addAll(properties);
        } else {
            words.add(quote(ProcessHandle.current().info().command().orElse("java")));
            words.addAll(List.of("-cp", quote(classPath(System.getProperty("java.class.path")))));
            words.addAll(properties);
            words.addAll(List.of(MAIN_CLASS, "connect", quote(branch)));
        }
        return String.join(" ", words);
    }

    /**
     * Whether a system property holds a secret, which a log line must not show: then the command goes without
     * it, and the key must come from where the tests read it otherwise (the environment, a properties file).
     */
    private static boolean secret(String key) {
        String name = key.toLowerCase(Locale.ROOT);
        String value = System.getProperty(key, "");
        return name.contains("password")
                || name.contains("secret")
                || name.contains("token")
                || name.contains("credential")
                || !Redaction.url(value).equals(value);
    }

    /**
     * The class path as entries: a manifest-only jar (an IDE's way round a long command line, deleted when the
     * JVM exits) stands for the entries its manifest lists.
     */
    static String classPath(String classPath) {
        String[] entries = classPath.split(File.pathSeparator);
        if (entries.length != 1 || !entries[0].endsWith(".jar")) {
            return classPath;
        }
        try (JarFile jar = new JarFile(entries[0])) {
            Manifest manifest = jar.getManifest();
            String listed =
                    manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (listed == null || listed.isBlank()) {
                return classPath;
            }
            URI base = Path.of(entries[0]).toAbsolutePath().getParent().toUri();
            return Arrays.stream(listed.trim().split("\\s+"))
                    .map(url -> Path.of(base.resolve(url)).toString())
                    .collect(Collectors.joining(File.pathSeparator));
        } catch (IOException | IllegalArgumentException e) {
            return classPath;
        }
    }

    /** Whether Surefire or Failsafe runs this JVM: they set these for the tests they fork. */
    private static boolean underMaven() {
        return System.getProperty("surefire.test.class.path") != null
                || System.getProperty("surefire.real.class.path") != null
                || System.getProperty("maven.home") != null;
    }

    /** The Maven wrapper of the module or a directory above it, else {@code mvn}. */
    private static String maven(Path basedir) {
        boolean windows =
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        for (Path dir = basedir; dir != null; dir = dir.getParent()) {
            Path wrapper = dir.resolve(windows ? "mvnw.cmd" : "mvnw");
            if (Files.isRegularFile(wrapper)) {
                return quote(wrapper.toString());
            }
        }
        return "mvn";
    }

    /**
     * The local Maven repository that {@code library}, the library's jar, is in: the directory above its
     * repository path ({@code io/github/lakebase/lakebase-junit/<version>/lakebase-junit-<version>[-...].jar},
     * Maven's repository layout); empty for classes of a build, or a jar elsewhere. Maven 4's split repository
     * gives its part that holds the jar ({@code installed/}, {@code cached/}), which Maven then uses as a
     * repository of its own.
     */
    static Optional<Path> localRepository(Path library) {
        Path jar = library.toAbsolutePath().normalize();
        int names = jar.getNameCount();
        String file = jar.getFileName() == null ? "" : jar.getFileName().toString();
        if (names < LAYOUT.getNameCount() + 3
                || !file.startsWith(ARTIFACT + "-")
                || !file.endsWith(".jar")
                || !jar.subpath(names - LAYOUT.getNameCount() - 2, names - 2).equals(LAYOUT)) {
            return Optional.empty();
        }
        return Optional.of(jar.getRoot().resolve(jar.subpath(0, names - LAYOUT.getNameCount() - 2)));
    }

    /** Where this class was loaded from: the library's jar, or its classes directory. */
    private static Optional<Path> librarySource() {
        CodeSource source = ReachCommand.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) { // an unusual class loader: no repository to name
            return Optional.empty();
        }
    }

    /** A word as a POSIX shell reads it. */
    static String quote(String word) {
        return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
