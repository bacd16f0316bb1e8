package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.integration.Location;
import io.github.lakebase.junit.integration.StartupWork;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;
import org.springframework.util.ClassUtils;

/**
 * What a context's start-up schema work is made of, read from the {@code Environment} the context is built with and
 * its bean definitions before any bean exists, so that a later run can tell whether the base it built is still right:
 * the files under Boot's Flyway locations and Liquibase change log folder, the {@code spring.sql.init} scripts, the
 * entity classes when JPA creates the schema, the {@code spring.flyway.*}, {@code spring.liquibase.*}, {@code
 * spring.sql.init.*} and {@code spring.jpa.*} settings, the classes of Flyway beans (Java migrations, callbacks,
 * customizers) and the versions of Boot, Flyway, Liquibase and Hibernate.
 */
final class StartupInputs {

    private static final List<String> PREFIXES =
            List.of("spring.flyway.", "spring.liquibase.", "spring.sql.init.", "spring.jpa.");
    /** Settings that say where to connect: routed to the staged base whatever they say. */
    private static final List<String> CONNECTION = List.of(".url", ".user", ".username", ".password");
    /** Beans that take part in Boot's Flyway or Liquibase, whose classes the fingerprint covers. */
    private static final List<String> PARTICIPANTS = List.of(
            "org.flywaydb.core.api.migration.JavaMigration",
            "org.flywaydb.core.api.callback.Callback",
            "org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer",
            "org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy",
            "org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer",
            "org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy",
            "org.springframework.boot.autoconfigure.liquibase.LiquibaseConnectionDetails",
            "liquibase.integration.spring.SpringLiquibase");

    private static final List<String> ENTITY_ANNOTATIONS = List.of(
            "jakarta.persistence.Entity",
            "jakarta.persistence.Embeddable",
            "jakarta.persistence.MappedSuperclass",
            "jakarta.persistence.Converter");
    private static final List<String> VERSIONED = List.of(
            "org.springframework.boot.SpringApplication",
            "org.flywaydb.core.Flyway",
            "liquibase.Liquibase",
            "org.hibernate.Version");
    private static final List<String> ENTITY_SCAN_PACKAGES = List.of(
            "org.springframework.boot.persistence.autoconfigure.EntityScanPackages",
            "org.springframework.boot.autoconfigure.domain.EntityScanPackages");
    private static final String AUTO_CONFIGURATION_PACKAGES =
            "org.springframework.boot.autoconfigure.AutoConfigurationPackages";

    private final ConfigurableEnvironment environment;
    private final ConfigurableListableBeanFactory beanFactory;
    private final ClassLoader loader;
    private final PathMatchingResourcePatternResolver resolver;
    private final List<String> steps = new ArrayList<>();
    private final Map<String, byte[]> inputs = new LinkedHashMap<>();

    private StartupInputs(ConfigurableEnvironment environment, ConfigurableListableBeanFactory beanFactory) {
        this.environment = environment;
        this.beanFactory = beanFactory;
        this.loader = beanFactory.getBeanClassLoader() != null
                ? beanFactory.getBeanClassLoader()
                : ClassUtils.getDefaultClassLoader();
        this.resolver = new PathMatchingResourcePatternResolver(loader);
    }

    /**
     * The start-up work of a context.
     *
     * @param context what the work belongs to: the context's configuration
     * @param managesSchema whether a Flyway or Liquibase bean manages the schema (then JPA creates nothing by default)
     */
    static StartupWork read(
            String context,
            ConfigurableEnvironment environment,
            ConfigurableListableBeanFactory beanFactory,
            boolean managesSchema) {
        StartupInputs read = new StartupInputs(environment, beanFactory);
        read.settings();
        read.versions();
        read.participants();
        if (read.hasBean("org.flywaydb.core.Flyway")) {
            List<String> locations = read.list("spring.flyway.locations", "classpath:db/migration");
            read.steps.add("Flyway " + String.join(",", locations));
            locations.forEach(l -> read.files("flyway", l.replace("{vendor}", "postgresql"), true));
        }
        if (read.hasBean("liquibase.integration.spring.SpringLiquibase")) {
            String changeLog = environment.getProperty(
                    "spring.liquibase.change-log", "classpath:/db/changelog/db.changelog-master.yaml");
            read.steps.add("Liquibase " + changeLog);
            int slash = changeLog.lastIndexOf('/');
            read.files("liquibase", slash > changeLog.indexOf(':') ? changeLog.substring(0, slash) : changeLog, true);
        }
        read.sqlInit();
        read.jpa(managesSchema);
        return new StartupWork(context, read.steps, read.inputs);
    }

    private void settings() {
        Set<String> names = new TreeSet<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source.getName().startsWith(LakebaseContextCustomizer.PROPERTY_SOURCE)
                    || !(source instanceof EnumerablePropertySource<?> enumerable)) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                String relaxed = name.toLowerCase(Locale.ROOT).replace('_', '.');
                if (PREFIXES.stream().anyMatch(relaxed::startsWith)
                        && CONNECTION.stream().noneMatch(relaxed::endsWith)) {
                    names.add(name);
                }
            }
        }
        for (String name : names) {
            String value = environment.getProperty(name);
            inputs.put("setting " + name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        }
    }

    private void versions() {
        for (String name : VERSIONED) {
            Class<?> type = DataSourceReplacer.Wrappers.load(name, beanFactory);
            if (type != null) {
                inputs.put("version " + name, version(type).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * The version of the tool {@code type} belongs to, as the tool itself reports it. Flyway's and Liquibase's jars
     * carry no {@code Implementation-Version}: Flyway's is the {@code org/flywaydb/core/internal/version.txt} its
     * {@code VersionPrinter.getVersion()} reads, Liquibase's the {@code build.version} of the {@code
     * liquibase.build.properties} its {@code LiquibaseUtil.getBuildVersion()} reads. Others (Spring Boot, Hibernate)
     * have it in their manifest; a jar with neither is told by its file's name, which carries the version in Maven's
     * and Gradle's caches; a class with no location either has the version {@code "unknown"}.
     */
    static String version(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        Optional<String> own = switch (type.getName()) {
            case "org.flywaydb.core.Flyway" ->
                resource(loader, "org/flywaydb/core/internal/version.txt")
                        .map(bytes -> new String(bytes, StandardCharsets.UTF_8).trim());
            case "liquibase.Liquibase" ->
                resource(loader, "liquibase.build.properties").map(StartupInputs::buildVersion);
            default -> Optional.empty();
        };
        return own.filter(v -> !v.isEmpty())
                .or(() -> Optional.ofNullable(type.getPackage()).map(Package::getImplementationVersion))
                .or(() -> Optional.ofNullable(type.getProtectionDomain().getCodeSource())
                        .map(CodeSource::getLocation)
                        .map(URL::getPath)
                        .map(path -> path.substring(path.lastIndexOf('/', path.length() - 2) + 1)))
                .orElse("unknown");
    }

    /** The bytes of the resource {@code name} as {@code loader} has them; empty when it has none, or no loader. */
    private static Optional<byte[]> resource(ClassLoader loader, String name) {
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String buildVersion(byte[] properties) {
        Properties read = new Properties();
        try {
            read.load(new ByteArrayInputStream(properties));
        } catch (IOException e) {
            return "";
        }
        return read.getProperty("build.version", "").trim();
    }

    /** The classes of the beans that take part in migrating, and of the configuration classes that declare them. */
    private void participants() {
        for (String typeName : PARTICIPANTS) {
            Class<?> type = DataSourceReplacer.Wrappers.load(typeName, beanFactory);
            if (type == null) {
                continue;
            }
            for (String bean : beanFactory.getBeanNamesForType(type, true, false)) {
                Class<?> beanType = beanFactory.getType(bean, false);
                if (beanType != null) {
                    addClass("bean " + bean, beanType);
                }
                AnnotatedElement declaring =
                        DataSourceReplacer.Wrappers.declaringElement(beanFactory, beanFactory.getBeanDefinition(bean));
                if (declaring instanceof Method method) {
                    addClass("bean " + bean + " declared in", method.getDeclaringClass());
                }
            }
        }
    }

    private void sqlInit() {
        String mode = environment.getProperty("spring.sql.init.mode", "embedded");
        if (mode.trim().equalsIgnoreCase("never")) {
            return;
        }
        String platform = environment.getProperty("spring.sql.init.platform", "all");
        List<String> scripts = new ArrayList<>();
        scripts.addAll(list(
                "spring.sql.init.schema-locations",
                "optional:classpath*:schema-" + platform + ".sql,optional:classpath*:schema.sql"));
        scripts.addAll(list(
                "spring.sql.init.data-locations",
                "optional:classpath*:data-" + platform + ".sql,optional:classpath*:data.sql"));
        int before = inputs.size();
        for (String script : scripts) {
            files("sql.init", script.startsWith("optional:") ? script.substring("optional:".length()) : script, false);
        }
        if (inputs.size() > before) {
            steps.add("spring.sql.init " + String.join(",", scripts));
        }
    }

    /** The entity classes, when Hibernate creates or changes the schema as the context starts. */
    private void jpa(boolean managesSchema) {
        if (DataSourceReplacer.Wrappers.load("org.hibernate.SessionFactory", beanFactory) == null) {
            return;
        }
        String ddlAuto = environment.getProperty(
                "spring.jpa.properties.hibernate.hbm2ddl.auto",
                environment.getProperty("spring.jpa.hibernate.ddl-auto", managesSchema ? "none" : "create"));
        if (List.of("none", "validate").contains(ddlAuto.trim().toLowerCase(Locale.ROOT))) {
            return;
        }
        steps.add("JPA ddl-auto=" + ddlAuto.trim());
        MetadataReaderFactory metadata = new SimpleMetadataReaderFactory(loader);
        for (String pkg : entityPackages()) {
            try {
                for (Resource resource : resolver.getResources("classpath*:" + pkg.replace('.', '/') + "/**/*.class")) {
                    AnnotationMetadata annotations =
                            metadata.getMetadataReader(resource).getAnnotationMetadata();
                    if (ENTITY_ANNOTATIONS.stream().anyMatch(annotations::hasAnnotation)) {
                        inputs.put("entity " + annotations.getClassName(), read(resource));
                    }
                }
            } catch (IOException e) {
                inputs.put("entity package " + pkg, ("unreadable: " + e).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Boot's auto-configuration packages and {@code @EntityScan} packages, as far as they are known. */
    private Set<String> entityPackages() {
        Set<String> packages = new TreeSet<>();
        try {
            Class<?> auto = DataSourceReplacer.Wrappers.load(AUTO_CONFIGURATION_PACKAGES, beanFactory);
            if (auto != null
                    && (boolean) auto.getMethod("has", BeanFactory.class).invoke(null, beanFactory)) {
                ((List<?>) auto.getMethod("get", BeanFactory.class).invoke(null, beanFactory))
                        .forEach(p -> packages.add(String.valueOf(p)));
            }
            for (String name : ENTITY_SCAN_PACKAGES) {
                Class<?> scan = DataSourceReplacer.Wrappers.load(name, beanFactory);
                if (scan != null) {
                    Object found = scan.getMethod("get", BeanFactory.class).invoke(null, beanFactory);
                    ((Collection<?>) scan.getMethod("getPackageNames").invoke(found))
                            .forEach(p -> packages.add(String.valueOf(p)));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            inputs.put("entity packages", ("unknown: " + e).getBytes(StandardCharsets.UTF_8));
        }
        return packages;
    }

    /** Every file under a location (recursively), or the files a pattern names, by path relative to the location. */
    private void files(String kind, String location, boolean folder) {
        Location parsed = Location.parse(location);
        String pattern = switch (parsed.kind()) {
            case FILESYSTEM -> "file:" + parsed.path();
            case CLASSPATH -> "classpath*:" + parsed.path();
            case OTHER -> location;
        };
        String base = pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
        try {
            Resource[] found = resolver.getResources(folder ? base + "/**/*" : base);
            List<Resource> files = Arrays.stream(found)
                    .filter(Resource::isReadable)
                    .filter(r -> !isDirectory(r))
                    .toList();
            inputs.put(
                    kind + " location " + location, String.valueOf(files.size()).getBytes(StandardCharsets.UTF_8));
            for (Resource file : files) {
                inputs.put(kind + " " + location + " " + relative(file, parsed), read(file));
            }
        } catch (IOException e) {
            inputs.put(kind + " location " + location, ("unreadable: " + e).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static boolean isDirectory(Resource resource) {
        try {
            return resource.isFile() && resource.getFile().isDirectory();
        } catch (IOException e) {
            return false;
        }
    }

    /** The part of a file's URL after its location's path, so that where the project sits is no part of it. */
    private static String relative(Resource file, Location location) throws IOException {
        String url = file.getURL().toString();
        String written = location.kind() == Location.Kind.OTHER
                ? location.path().replaceFirst("^[a-z*]+:", "")
                : location.path();
        String path = written.replaceFirst("^/", "");
        int at = path.isEmpty() ? -1 : url.lastIndexOf(path);
        return at < 0 ? String.valueOf(file.getFilename()) : url.substring(at + path.length());
    }

    private List<String> list(String key, String defaults) {
        return Arrays.stream(environment.getProperty(key, defaults).split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private boolean hasBean(String typeName) {
        Class<?> type = DataSourceReplacer.Wrappers.load(typeName, beanFactory);
        return type != null && beanFactory.getBeanNamesForType(type, true, false).length > 0;
    }

    private void addClass(String label, Class<?> type) {
        String resource = ClassUtils.getUserClass(type).getName().replace('.', '/') + ".class";
        ClassLoader classLoader = type.getClassLoader() != null ? type.getClassLoader() : loader;
        inputs.put(label + " " + type.getName(), resource(classLoader, resource).orElse(new byte[0]));
    }

    private static byte[] read(Resource resource) throws IOException {
        try (InputStream in = resource.getInputStream()) {
            return in.readAllBytes();
        }
    }
}
