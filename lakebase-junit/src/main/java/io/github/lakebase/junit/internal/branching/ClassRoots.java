package io.github.lakebase.junit.internal.branching;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The class path roots (output directories, jars) that hold the Java code a base or a parent runs: its Java
 * migrations, its Flyway callbacks and resolvers, a parent's initializer. Their every file is part of the
 * fingerprint, so that a change to a class the code calls, wherever it sits in the same root, builds the base
 * again. Code and files in other roots (another module's jar, a dependency) and what the code reads at run
 * time are not.
 *
 * <pre>{@code
 * ClassRoots roots = ClassRoots.of(List.of("classpath:db/migration"), List.of(), loader).orElseThrow();
 * roots.paths();   // [/home/me/shop/target/classes]
 * }</pre>
 *
 * @param paths the roots, in a fixed order
 */
record ClassRoots(List<Path> paths) {

    /**
     * The roots of the {@code .class} files under {@code locations} and of {@code classes} (class names, or
     * packages to scan, as Flyway's {@code callbacks} takes them).
     *
     * @return the roots, or empty when a location cannot be read here
     */
    static Optional<ClassRoots> of(List<String> locations, List<String> classes, ClassLoader loader) {
        Set<Path> roots = new TreeSet<>();
        try {
            for (String location : locations) {
                if (!LocationFiles.visit(location, loader, (path, content, root) -> {
                    if (path.endsWith(".class") && root != null) {
                        roots.add(root);
                    }
                })) {
                    return Optional.empty();
                }
            }
            for (String name : classes) {
                URL url = loader.getResource(name.replace('.', '/') + ".class");
                if (url == null) {
                    if (!LocationFiles.visit("classpath:" + name.replace('.', '/'), loader, (path, content, root) -> {
                        if (root != null) {
                            roots.add(root);
                        }
                    })) {
                        return Optional.empty();
                    }
                } else {
                    Optional<Path> root = root(url, name.split("\\.").length);
                    if (root.isEmpty()) {
                        return Optional.empty();
                    }
                    roots.add(root.get());
                }
            }
            return Optional.of(new ClassRoots(List.copyOf(roots)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether the base runs Java code of its own. */
    boolean any() {
        return !paths.isEmpty();
    }

    /** The directory or jar that holds the class at {@code url}, a class of {@code depth} name parts. */
    private static Optional<Path> root(URL url, int depth) throws IOException {
        try {
            switch (url.getProtocol()) {
                case "file" -> {
                    Path root = Path.of(url.toURI());
                    for (int i = 0; i < depth && root != null; i++) {
                        root = root.getParent();
                    }
                    return Optional.ofNullable(root);
                }
                case "jar" -> {
                    return Optional.of(Path.of(((JarURLConnection) url.openConnection())
                            .getJarFileURL()
                            .toURI()));
                }
                default -> {
                    return Optional.empty();
                }
            }
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
