package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.internal.configuration.ConfigUtils;
import org.flywaydb.core.internal.util.ClassUtils;

/**
 * The Flyway configuration a base is migrated with, gathered the way Flyway gathers its own: its
 * {@code flyway.*} keys from configuration files, {@code FLYWAY_*} environment variables and JUnit
 * configuration parameters, the more specific source winning:
 *
 * <ol>
 *   <li>the library's defaults ({@link #LIBRARY_DEFAULTS}), which any source overrides;
 *   <li>Flyway's default configuration files: {@code <flyway-core's directory>/conf/flyway.conf},
 *       {@code ~/flyway.conf}, {@code ./flyway.conf};
 *   <li>a {@code flyway.conf} at the root of the test class path;
 *   <li>the files {@code flyway.configFiles} names, in order;
 *   <li>{@code FLYWAY_*} environment variables, as Flyway maps them ({@code FLYWAY_PLACEHOLDERS_TENANT} is
 *       {@code flyway.placeholders.tenant});
 *   <li>JUnit configuration parameters, in JUnit's own order: {@code junit-platform.properties}, then
 *       {@code -D} system properties, then the launcher's explicit parameters.
 * </ol>
 *
 * Files are read with Flyway's own reader ({@link ConfigUtils}), and the merged map is handed to Flyway's
 * {@link FluentConfiguration#configuration(Map)}, which knows every key and rejects an unknown one. The
 * library sets what it must ({@link #OVERRIDDEN}: the connection goes to the base being built, and the
 * locations are the ones the test names) and says so in the log, and drops the properties of Flyway's build plugins
 * that are no setting ({@link #BUILD_PLUGIN_KEYS}), as those plugins do.
 *
 * <pre>{@code
 * FlywaySettings settings = FlywaySettings.load(config);
 * Flyway flyway = settings.configure(Flyway.configure(loader)).dataSource(dataSource).load();
 * }</pre>
 *
 * @param values the merged settings, without the keys the library overrides
 * @param locations {@code flyway.locations} as the sources give it, empty when none sets it: the default of a
 *     test that names no migrations
 * @param overridden the connection settings that some source set and the library overrides, for the log
 * @param sources where the settings came from, for the log
 */
record FlywaySettings(
        SortedMap<String, String> values, List<String> locations, Set<String> overridden, List<String> sources) {

    /**
     * What the library sets unless a source says otherwise: a parent with data but no history (a dump, a
     * parent built from scripts) gets every migration applied on top of it; a base is never cleaned; a
     * location that does not exist is an error.
     */
    static final Map<String, String> LIBRARY_DEFAULTS = Map.of(
            ConfigUtils.BASELINE_ON_MIGRATE, "true",
            ConfigUtils.BASELINE_VERSION, "0",
            ConfigUtils.CLEAN_DISABLED, "true",
            ConfigUtils.FAIL_ON_MISSING_LOCATIONS, "true");

    /**
     * What the library sets whatever the sources say: migrations run on the base being built, over the
     * library's own connection; the locations are those of the annotation or {@code lakebase.migrations}
     * ({@code flyway.locations} is their default); the files and their encoding are read here already.
     */
    static final Set<String> OVERRIDDEN = Set.of(
            ConfigUtils.URL,
            ConfigUtils.USER,
            ConfigUtils.PASSWORD,
            ConfigUtils.DRIVER,
            ConfigUtils.LOCATIONS,
            ConfigUtils.CONFIG_FILES,
            ConfigUtils.CONFIG_FILE_ENCODING);

    /**
     * Properties of Flyway's Maven and Gradle plugins under Flyway's prefix that are no Flyway setting, which a build
     * passes to a test JVM as {@code -D} system properties: {@code flyway.version} (the Flyway version a build, or
     * Spring Boot's dependency management, resolves), {@code flyway.skip}, {@code flyway.serverId}, {@code
     * flyway.current} and {@code flyway.workingDirectory}. Flyway would refuse them as unknown; its plugins drop them
     * before they configure it ({@code AbstractFlywayMojo.removeMavenPluginSpecificPropertiesToAvoidWarnings} and
     * {@code AbstractFlywayTask.removeGradlePluginSpecificPropertiesToAvoidWarnings} in Flyway's sources), and so does
     * the library, from every source.
     */
    static final Set<String> BUILD_PLUGIN_KEYS =
            Set.of("flyway.version", "flyway.skip", "flyway.serverId", "flyway.current", "flyway.workingDirectory");

    /** The settings of the connection, which goes to the base being built whatever they say. */
    private static final Set<String> CONNECTION =
            Set.of(ConfigUtils.URL, ConfigUtils.USER, ConfigUtils.PASSWORD, ConfigUtils.DRIVER);

    /** Parts of a key's name that mark a secret, which no fingerprint includes. */
    private static final List<String> SECRETS = List.of("password", "secret", "token", "licensekey", "credential");

    /** Flyway's own named keys, from its {@link ConfigUtils}: JUnit is asked for each of them by name. */
    private static final List<String> NAMED_KEYS = namedKeys();

    private static final Map<ClassLoader, Optional<Map<String, String>>> CLASS_PATH_FILES = new ConcurrentHashMap<>();

    /** The settings for a test with configuration {@code config}. */
    static FlywaySettings load(Configuration config) {
        List<String> sources = new ArrayList<>();
        Map<String, String> environment = environment(config.environment());
        Map<String, String> parameters = new TreeMap<>();
        for (String key : NAMED_KEYS) {
            config.parameter(key).ifPresent(v -> parameters.put(key, v));
        }
        String encoding = Optional.ofNullable(parameters.get(ConfigUtils.CONFIG_FILE_ENCODING))
                .or(() -> Optional.ofNullable(environment.get(ConfigUtils.CONFIG_FILE_ENCODING)))
                .orElse("UTF-8");
        Map<String, String> merged = new TreeMap<>(LIBRARY_DEFAULTS);
        try {
            take(
                    merged,
                    sources,
                    ConfigUtils.loadDefaultConfigurationFiles(
                            new File(ClassUtils.getLocationOnDisk(Flyway.class)).getParentFile(), null, encoding),
                    "Flyway's default configuration files");
            classPathFile(config.classLoader(), encoding)
                    .ifPresent(file -> take(merged, sources, file, "flyway.conf on the class path"));
            String configFiles = Optional.ofNullable(parameters.get(ConfigUtils.CONFIG_FILES))
                    .orElse(environment.get(ConfigUtils.CONFIG_FILES));
            for (String name : configFiles == null ? new String[0] : configFiles.split(",")) {
                String path = name.trim();
                if (path.isEmpty()) {
                    continue;
                }
                if (path.toLowerCase(Locale.ROOT).endsWith(".toml")) {
                    throw ProviderException.configuration("flyway.configFiles names the TOML file '" + path + "'. "
                            + "lakebase-junit reads Flyway's .conf files (key=value, as flyway.conf); give the "
                            + "settings in a .conf file, or as flyway.* configuration parameters.");
                }
                take(merged, sources, ConfigUtils.loadConfigurationFile(new File(path), encoding, true), path);
            }
        } catch (FlywayException e) {
            throw ProviderException.configuration("Could not read Flyway's configuration files: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
        }
        take(merged, sources, environment, "FLYWAY_* environment variables");
        Set<String> more = new TreeSet<>(config.parameterNames("flyway."));
        more.addAll(merged.keySet());
        for (String key : more) {
            config.parameter(key).ifPresent(v -> parameters.put(key, v));
        }
        take(merged, sources, parameters, "JUnit configuration parameters");
        List<String> locations = split(merged.getOrDefault(ConfigUtils.LOCATIONS, ""));
        java.util.SortedSet<String> overridden = new TreeSet<>();
        for (String key : OVERRIDDEN) {
            if (merged.remove(key) != null && CONNECTION.contains(key)) {
                overridden.add(key);
            }
        }
        return new FlywaySettings(
                Collections.unmodifiableSortedMap(new TreeMap<>(merged)),
                locations,
                Collections.unmodifiableSortedSet(overridden),
                List.copyOf(sources));
    }

    /**
     * The {@code FLYWAY_*} variables of {@code variables} as Flyway's keys, named as Flyway names them ({@link
     * ConfigUtils#convertKey}, which Flyway 11 has too: a Spring Boot project may bring an older Flyway than
     * the library's).
     */
    private static Map<String, String> environment(Map<String, String> variables) {
        Map<String, String> keys = new TreeMap<>();
        variables.forEach((name, value) -> {
            String key = name.startsWith("FLYWAY_") ? ConfigUtils.convertKey(name) : null;
            if (key != null) {
                keys.put(key, value);
            }
        });
        return keys;
    }

    /**
     * Puts the settings {@code read} from {@code source} into {@code merged}, over what earlier sources gave, but for
     * {@link #BUILD_PLUGIN_KEYS}; names {@code source} in {@code sources} when it gave a setting.
     */
    private static void take(
            Map<String, String> merged, List<String> sources, Map<String, String> read, String source) {
        Map<String, String> settings = new TreeMap<>(read);
        settings.keySet().removeAll(BUILD_PLUGIN_KEYS);
        if (!settings.isEmpty()) {
            sources.add(source);
            merged.putAll(settings);
        }
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** Hands the settings to Flyway. */
    FluentConfiguration configure(FluentConfiguration flyway) {
        try {
            return flyway.configuration(new LinkedHashMap<>(values));
        } catch (FlywayException e) {
            throw ProviderException.configuration(
                    "Flyway refused its configuration (from " + describeSources() + "): " + e.getMessage());
        }
    }

    /** The settings that decide what a migration does, without secrets: part of a base's fingerprint. */
    SortedMap<String, String> fingerprinted() {
        SortedMap<String, String> kept = new TreeMap<>(values);
        kept.keySet()
                .removeIf(key -> SECRETS.stream()
                        .anyMatch(s -> key.toLowerCase(Locale.ROOT).contains(s)));
        return kept;
    }

    /** Whether a missing location is an error ({@code flyway.failOnMissingLocations}, true by default). */
    boolean failOnMissingLocations() {
        return Boolean.parseBoolean(values.getOrDefault(ConfigUtils.FAIL_ON_MISSING_LOCATIONS, "true"));
    }

    /** The Java classes (or packages) {@code flyway.callbacks} and {@code flyway.resolvers} name. */
    List<String> javaClasses() {
        List<String> classes = new ArrayList<>(split(values.getOrDefault(ConfigUtils.CALLBACKS, "")));
        classes.addAll(split(values.getOrDefault(ConfigUtils.RESOLVERS, "")));
        return classes;
    }

    /** {@code flyway.callbackLocations}, whose scripts are part of a base's fingerprint. */
    List<String> callbackLocations() {
        return split(values.getOrDefault(ConfigUtils.CALLBACK_LOCATIONS, ""));
    }

    /** Where the settings came from, for messages. */
    String describeSources() {
        return sources.isEmpty() ? "the library's defaults" : String.join(", ", sources);
    }

    private static Optional<Map<String, String>> classPathFile(ClassLoader loader, String encoding) {
        if (loader == null) {
            return Optional.empty();
        }
        return CLASS_PATH_FILES.computeIfAbsent(loader, l -> {
            URL url = l.getResource(ConfigUtils.CONFIG_FILE_NAME);
            if (url == null) {
                return Optional.empty();
            }
            try (InputStreamReader reader = new InputStreamReader(url.openStream(), Charset.forName(encoding))) {
                return Optional.of(Map.copyOf(ConfigUtils.loadConfigurationFromReader(reader)));
            } catch (IOException | FlywayException e) {
                throw ProviderException.configuration(
                        "Could not read " + url + ", Flyway's configuration on the class path: " + e.getMessage());
            }
        });
    }

    private static List<String> namedKeys() {
        List<String> keys = new ArrayList<>();
        for (Field field : ConfigUtils.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    String key = (String) field.get(null);
                    if (key.startsWith("flyway.") && !key.endsWith(".")) {
                        keys.add(key);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return List.copyOf(keys);
    }
}
