package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.integration.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The files under a Flyway location, as Flyway would find them: a {@code filesystem:} directory, or a
 * {@code classpath:} folder in every directory and jar of the class path that has it.
 *
 * <pre>{@code
 * LocationFiles.visit("classpath:db/migration", loader, (path, content, root) -> digest(path, content.read()));
 * }</pre>
 */
final class LocationFiles {

    private LocationFiles() {}

    /** What is done with each file. */
    @FunctionalInterface
    interface Visitor {
        /**
         * @param path the file's path relative to its location, with {@code /}
         * @param content reads the file
         * @param classPathRoot the class path directory or jar that holds it, {@code null} for a file system location
         */
        void file(String path, Content content, Path classPathRoot) throws IOException;
    }

    /** Reads a file's bytes. */
    @FunctionalInterface
    interface Content {
        byte[] read() throws IOException;
    }

    /**
     * Visits every file under {@code location}, in a fixed order.
     *
     * @return {@code false} when the location cannot be read here (a cloud location, say)
     * @throws IOException when a file cannot be read
     */
    static boolean visit(String location, ClassLoader loader, Visitor visitor) throws IOException {
        try {
            Location parsed = Location.parse(location);
            if (parsed.kind() == Location.Kind.FILESYSTEM) {
                visitTree(parsed.file(), null, visitor);
                return true;
            }
            if (parsed.kind() == Location.Kind.OTHER) {
                return false;
            }
            String path = parsed.path();
            for (URL url : Collections.list(loader.getResources(path))) {
                if (!visitResources(url, path, visitor)) {
                    return false;
                }
            }
            return true;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The paths of the files under {@code locations}, or empty when one cannot be read here. */
    static Optional<List<String>> paths(List<String> locations, ClassLoader loader) {
        List<String> paths = new ArrayList<>();
        try {
            for (String location : locations) {
                if (!visit(location, loader, (path, content, root) -> paths.add(path))) {
                    return Optional.empty();
                }
            }
            return Optional.of(paths);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean visitResources(URL url, String path, Visitor visitor)
            throws IOException, URISyntaxException {
        switch (url.getProtocol()) {
            case "file" -> {
                Path directory = Path.of(url.toURI());
                Path root = directory;
                for (int i = 0; i < (path.isEmpty() ? 0 : path.split("/").length) && root != null; i++) {
                    root = root.getParent();
                }
                visitTree(directory, root, visitor);
                return true;
            }
            case "jar" -> {
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                Path root = Path.of(connection.getJarFileURL().toURI());
                try (JarFile jar = connection.getJarFile()) {
                    List<JarEntry> entries = jar.stream()
                            .filter(e -> !e.isDirectory() && e.getName().startsWith(path + "/"))
                            .sorted(Comparator.comparing(JarEntry::getName))
                            .toList();
                    for (JarEntry entry : entries) {
                        visitor.file(
                                entry.getName().substring(path.length() + 1),
                                () -> {
                                    try (InputStream in = jar.getInputStream(entry)) {
                                        return in.readAllBytes();
                                    }
                                },
                                root);
                    }
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private static void visitTree(Path directory, Path root, Visitor visitor) throws IOException {
        if (!Files.isDirectory(directory)) {
            return; // reported as a missing location when the migrations run
        }
        List<Path> files;
        try (var walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            visitor.file(
                    directory.relativize(file).toString().replace('\\', '/'), () -> Files.readAllBytes(file), root);
        }
    }
}
