package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.ParentInitializer;
import io.github.lakebase.junit.integration.Location;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parent the library builds for a run, as configured: {@code lakebase.parents} lists it,
 * {@code lakebase.parent.<name>.scripts} and {@code .initializer} say how to fill it.
 *
 * @param name the parent's name
 * @param scripts the script locations, in order
 * @param initializer the initializer's class name, or empty
 */
record ParentDefinition(String name, List<String> scripts, String initializer) {

    /** What makes two definitions the same parent. */
    record Key(String name, List<String> scripts, String initializer) {}

    /** The definition of {@code name}, or empty when it is not listed in {@code lakebase.parents}. */
    static Optional<ParentDefinition> of(String name, Configuration config) {
        if (!config.getList(Configuration.PARENTS).contains(name)) {
            return Optional.empty();
        }
        List<String> scripts = config.getList("lakebase.parent." + name + ".scripts");
        String initializer =
                config.get("lakebase.parent." + name + ".initializer").orElse("");
        if (scripts.isEmpty() && initializer.isEmpty()) {
            throw ProviderException.configuration("The parent '" + name + "' is listed in lakebase.parents but has "
                    + "neither lakebase.parent." + name + ".scripts nor lakebase.parent." + name + ".initializer.");
        }
        return Optional.of(new ParentDefinition(name, scripts, initializer));
    }

    Key key() {
        return new Key(name, scripts, initializer);
    }

    /** Reads the scripts and instantiates the initializer, failing with a configuration error if one is wrong. */
    Loaded load(ClassLoader loader) {
        Map<String, String> sql = new LinkedHashMap<>();
        for (String script : scripts) {
            sql.put(script, readScript(script, loader, name));
        }
        return new Loaded(sql, initializer.isEmpty() ? null : initializer(initializer, name, loader));
    }

    /** A definition ready to fill a database. */
    final class Loaded {
        private final Map<String, String> sql;
        private final ParentInitializer initializer;

        private Loaded(Map<String, String> sql, ParentInitializer initializer) {
            this.sql = sql;
            this.initializer = initializer;
        }

        /**
         * A fingerprint of what the parent is made of: its name, the database it is forked from, its
         * scripts' content, and its initializer's class with every file of the directory or jar that holds it
         * ({@link ClassRoots}). What an initializer reads from elsewhere (another jar, a file, a service) is not
         * part of it.
         */
        String fingerprint(String forkedFrom, ClassLoader loader) {
            Fingerprint f = Fingerprint.of("parent").add("name", name).add("forked from", forkedFrom);
            sql.forEach(f::add);
            if (initializer != null) {
                f.addClass(ParentDefinition.this.initializer, loader);
                ClassRoots.of(List.of(), List.of(ParentDefinition.this.initializer), loader)
                        .ifPresent(f::addClassRoots);
            }
            return f.hex();
        }

        /** Runs the scripts in order, then the initializer. */
        void fill(Connection c) throws SQLException {
            for (Map.Entry<String, String> script : sql.entrySet()) {
                try (Statement s = c.createStatement()) {
                    s.execute(script.getValue());
                } catch (SQLException e) {
                    throw new ProviderException(
                            "The script '" + script.getKey() + "' of parent '" + name + "' failed: " + e.getMessage(),
                            e);
                }
            }
            if (initializer != null) {
                try {
                    initializer.initialize(c);
                } catch (Exception e) {
                    throw new ProviderException(
                            "The initializer " + ParentDefinition.this.initializer + " of parent '" + name
                                    + "' failed: " + e.getMessage(),
                            e);
                }
            }
        }
    }

    private static ParentInitializer initializer(String className, String parent, ClassLoader loader) {
        try {
            Class<?> type = Class.forName(className, true, loader);
            if (!ParentInitializer.class.isAssignableFrom(type)) {
                throw ProviderException.configuration("lakebase.parent." + parent + ".initializer=" + className
                        + " does not implement " + ParentInitializer.class.getName() + ".");
            }
            return (ParentInitializer) type.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw ProviderException.configuration(
                    "lakebase.parent." + parent + ".initializer=" + className + " is not on the test class path.");
        } catch (ReflectiveOperationException e) {
            throw ProviderException.configuration("lakebase.parent." + parent + ".initializer=" + className
                    + " needs a public no-argument constructor: " + e);
        }
    }

    private static String readScript(String location, ClassLoader loader, String parent) {
        try {
            Location parsed = Location.parse(location);
            if (parsed.kind() == Location.Kind.FILESYSTEM) {
                Path path = parsed.file();
                if (!Files.isRegularFile(path)) {
                    throw ProviderException.configuration(
                            "The script '" + location + "' of parent '" + parent + "' does not exist.");
                }
                return Files.readString(path);
            }
            try (InputStream in = loader.getResourceAsStream(parsed.path())) {
                if (in == null) {
                    throw ProviderException.configuration(
                            "The script '" + location + "' of parent '" + parent + "' is not on the test class path.");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ProviderException(
                    "Could not read the script '" + location + "' of parent '" + parent + "': " + e.getMessage(), e);
        }
    }
}
