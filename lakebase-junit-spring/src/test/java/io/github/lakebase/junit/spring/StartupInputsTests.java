package io.github.lakebase.junit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.integration.StartupWork;
import io.github.lakebase.junit.spring.jpa.Owner;
import io.github.lakebase.junit.spring.jpa.OwnerApplication;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import liquibase.util.LiquibaseUtil;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.internal.license.VersionPrinter;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * What a context's kept base is keyed by: when JPA creates the schema from the entities as the context starts, the
 * bytes of the entity classes, so that a changed entity builds the base again; and not when it creates nothing.
 */
class StartupInputsTests {

    @Test
    void theEntitiesBytesAreAnInputWhenJpaCreatesTheSchema() throws Exception {
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            AutoConfigurationPackages.register(context, OwnerApplication.class.getPackageName());

            StartupWork work = StartupInputs.read("owners", context.getEnvironment(), context.getBeanFactory(), false);

            assertThat(work.steps()).contains("JPA ddl-auto=create");
            assertThat(work.inputs()).containsKey("entity " + Owner.class.getName());
            assertThat(work.inputs().get("entity " + Owner.class.getName())).isEqualTo(bytesOf(Owner.class));
            assertThat(work.inputs().keySet())
                    .as("the repository and the application are no entities")
                    .noneMatch(k -> k.contains("OwnerRepository") || k.contains("OwnerApplication"));
        }
    }

    @Test
    void noEntityIsAnInputWhenJpaOnlyValidatesTheSchema() {
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            AutoConfigurationPackages.register(context, OwnerApplication.class.getPackageName());
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource("app", Map.of("spring.jpa.hibernate.ddl-auto", "validate")));

            StartupWork work = StartupInputs.read("owners", context.getEnvironment(), context.getBeanFactory(), false);

            assertThat(work.steps()).noneMatch(s -> s.startsWith("JPA"));
            assertThat(work.inputs().keySet()).noneMatch(k -> k.startsWith("entity "));
            assertThat(work.inputs()).as("the setting itself").containsKey("setting spring.jpa.hibernate.ddl-auto");
        }
    }

    @Test
    void theFilesUnderFlywaysClassPathAndFileSystemLocationsAreInputs() throws Exception {
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            context.registerBean(
                    "flyway", Flyway.class, () -> Flyway.configure().load());
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "app",
                            Map.of(
                                    "spring.flyway.locations",
                                    "classpath:db/history,db/placeholders,filesystem:src/test/flyway-files")));

            StartupWork work = StartupInputs.read("app", context.getEnvironment(), context.getBeanFactory(), true);

            assertThat(work.inputs())
                    .containsEntry(
                            "flyway classpath:db/history /V1__account.sql",
                            Files.readAllBytes(Path.of("src/test/resources/db/history/V1__account.sql")))
                    .containsEntry(
                            "flyway db/placeholders /V1__account.sql",
                            Files.readAllBytes(Path.of("src/test/resources/db/placeholders/V1__account.sql")))
                    .containsEntry(
                            "flyway filesystem:src/test/flyway-files /V1__account.sql",
                            Files.readAllBytes(Path.of("src/test/flyway-files/V1__account.sql")));
        }
    }

    /**
     * A kept base is built again when the tools that built it change version: each version as the tool itself
     * reports it. Flyway's and Liquibase's jars carry no {@code Implementation-Version}, so a version read from the
     * jar's manifest was the same ("null") for every Flyway and Liquibase, and a base built by Flyway 11.7 was
     * reused under Flyway 11.14.
     */
    @Test
    void theVersionsOfBootFlywayLiquibaseAndHibernateAreInputsAsEachToolReportsIt() {
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            StartupWork work = StartupInputs.read("app", context.getEnvironment(), context.getBeanFactory(), false);

            assertThat(version(work, "org.springframework.boot.SpringApplication"))
                    .isEqualTo(SpringBootVersion.getVersion());
            assertThat(version(work, "org.flywaydb.core.Flyway")).isEqualTo(VersionPrinter.getVersion());
            assertThat(version(work, "liquibase.Liquibase")).isEqualTo(LiquibaseUtil.getBuildVersion());
            assertThat(version(work, "org.hibernate.Version")).isEqualTo(org.hibernate.Version.getVersionString());
        }
    }

    /**
     * A class defined without a location (a class loader that defines it from bytes, with no {@code CodeSource}
     * URL) and without a version in its package has no version to tell: the context still starts.
     */
    @Test
    void aClassWithNeitherAVersionNorALocationHasAnUnknownVersion() throws Exception {
        byte[] bytes = bytesOf(Owner.class);
        Class<?> defined = new ClassLoader(null) {
            Class<?> define() {
                return defineClass(Owner.class.getName(), bytes, 0, bytes.length);
            }
        }.define();

        assertThat(defined.getProtectionDomain().getCodeSource().getLocation()).isNull();
        assertThat(StartupInputs.version(defined)).isEqualTo("unknown");
    }

    private static String version(StartupWork work, String type) {
        assertThat(work.inputs()).containsKey("version " + type);
        return new String(work.inputs().get("version " + type), StandardCharsets.UTF_8);
    }

    private static byte[] bytesOf(Class<?> type) throws Exception {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }
}
