package io.github.lakebase.junit.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.lakebase.junit.internal.server.EmbeddedProviderFactory;
import io.github.lakebase.junit.internal.util.AtomicFiles;
import io.github.lakebase.junit.internal.util.DaemonThreads;
import io.github.lakebase.junit.internal.util.Digests;
import io.github.lakebase.junit.internal.util.ScramCryptography;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep the engine's shape: dependencies run one way, from the annotation through
 * resolution and branching to the providers, and the providers see nothing but the SPI, so that a
 * provider written outside the library can do everything an in-tree one does.
 */
class ArchitectureTests {

    private static final String ROOT = "io.github.lakebase.junit";
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    /**
     * What every provider may use besides the JDK, the SPI and its own package: neutral helpers of
     * internal.util, stateless and built on the JDK alone (theHelpersDependOnNothingOfTheLibrary), which give a
     * provider nothing that one written outside the library lacks; it writes the same few lines with the JDK.
     */
    private static final Class<?>[] NEUTRAL_HELPERS = {
        DaemonThreads.class, Digests.class, AtomicFiles.class, ScramCryptography.class
    };

    @Test
    void theDatabricksProviderUsesTheSpiAndTheDatabricksSdkOnly() {
        providerOnlyDependsOn("databricks", "com.databricks.sdk..", "com.google.protobuf..", "org.slf4j..");
    }

    @Test
    void theNeonProviderUsesTheSpiAndJacksonOnly() {
        providerOnlyDependsOn("neon", "com.fasterxml.jackson..", "org.slf4j..");
    }

    @Test
    void theEmbeddedServerUsesTheSpiAndCommonsCompressOnly() {
        providerOnlyDependsOn("embedded", "org.apache.commons.compress..", "org.slf4j..");
    }

    /**
     * The PostgreSQL-server providers (postgres, testcontainers, embedded) may also use internal.embedded,
     * the embedded provider's server (binaries, initdb, postmaster), which knows nothing of branches; only the
     * embedded provider's factory starts it. They use pgjdbc's own API for COPY, which restores a branch's
     * rows in place.
     */
    @Test
    void theServerProvidersUseTheSpiHikariTestcontainersPgjdbcAndTheEmbeddedServerOnly() {
        providerOnlyDependsOn(
                "server",
                "com.zaxxer.hikari..",
                "org.testcontainers..",
                "org.slf4j..",
                "org.postgresql",
                "org.postgresql.copy..",
                "org.postgresql.jdbc", // AutoSave, to reset a kept session's driver settings
                // BaseConnection: a kept session's queue of notifications, drained without waiting on its socket
                "org.postgresql.core",
                ROOT + ".internal.embedded..");
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".internal.server..")
                .and()
                .doNotBelongToAnyOf(EmbeddedProviderFactory.class)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".internal.embedded..")
                .because("the embedded provider's factory starts the embedded server; the template provider it "
                        + "makes works on any PostgreSQL server, as for postgres and testcontainers")
                .check(main);
    }

    /**
     * Classes of the provider package {@code internal.<name>} depend only on the JDK, the SPI (its cloud
     * toolkit included), their own package, the neutral helpers and the given packages: the libraries the
     * provider uses, and any exception stated by the caller.
     */
    private static void providerOnlyDependsOn(String name, String... packages) {
        String own = ROOT + ".internal." + name + "..";
        List<String> allowed = new ArrayList<>(List.of("java..", "javax..", ROOT + ".spi..", own));
        allowed.addAll(List.of(packages));
        classes()
                .that()
                .resideInAPackage(own)
                .should()
                .onlyDependOnClassesThat(
                        resideInAnyPackage(allowed.toArray(String[]::new)).or(belongToAnyOf(NEUTRAL_HELPERS)))
                .because("a provider written outside the library has only the SPI, and in-tree ones must not do "
                        + "more; a new dependency is added here with its reason")
                .check(main);
    }

    @Test
    void theSpiDependsOnTheJdkAndItselfOnly() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".spi..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "javax..", "org.apiguardian.api..", ROOT + ".spi..")
                .because("a provider written outside the library compiles against the SPI alone, the cloud toolkit "
                        + "of spi.cloud included")
                .check(main);
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".spi")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".spi.cloud..")
                .because("the core SPI stands without the cloud toolkit, which builds on it")
                .check(main);
    }

    @Test
    void toolsUseTheApiAndTheIntegrationSeamOnly() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".tools..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".internal..", ROOT + ".spi..")
                .check(main);
    }

    @Test
    void theIntegrationSeamDependsOnNothingInternal() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".integration..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".internal..")
                .because("the engine implements the seam, found with ServiceLoader; the seam never reaches into it")
                .check(main);
    }

    @Test
    void branchingNeverDependsOnResolution() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".internal.branching..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".internal.inject..")
                .because("resolution of what a test declares calls branching, never the reverse; branching also "
                        + "serves callers outside JUnit")
                .check(main);
    }

    @Test
    void theHelpersDependOnNothingOfTheLibrary() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".internal.util..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT, ROOT + ".spi..", ROOT + ".integration..", ROOT + ".tools..")
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".internal.inject..",
                        ROOT + ".internal.branching..",
                        ROOT + ".internal.config..",
                        ROOT + ".internal.server..",
                        ROOT + ".internal.embedded..",
                        ROOT + ".internal.databricks..",
                        ROOT + ".internal.neon..")
                .check(main);
    }

    @Test
    void onlyTheLiquibaseClassesNameLiquibase() {
        noClasses()
                .that()
                .haveNameNotMatching(ROOT.replace(".", "\\.")
                        + "\\.internal\\.branching\\.(Changelogs|ChangeSetRuns|LiquibaseLog)(\\$.*)?")
                .and()
                .resideOutsideOfPackage("liquibase..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("liquibase..")
                .because("Liquibase is an optional dependency: a project without it runs every Flyway test, and is "
                        + "told which artifact to add only when it names a changelog")
                .check(main);
    }

    @Test
    void theCommandLineIsAShellThatNothingElseUses() {
        noClasses()
                .that()
                .resideOutsideOfPackages(ROOT + ".cli..", ROOT + ".internal.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".cli..", ROOT + ".internal.cli..")
                .because("the command line drives the engine as the tests do; the engine never calls it back")
                .check(main);
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".internal.branching..",
                        ROOT + ".internal.config..",
                        ROOT + ".internal.server..",
                        ROOT + ".internal.embedded..")
                .because("the public main class is a shell around internal.cli, which holds the verbs")
                .check(main);
    }

    @Test
    void noClassSitsAtTheRootOfInternal() {
        noClasses().should().resideInAPackage(ROOT + ".internal").check(main);
    }

    @Test
    void packagesAreFreeOfCycles() {
        // The API package is left out: the annotation names its extension, which calls the engine, which reads
        // the annotation, as in JUnit itself.
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(main);
    }
}
