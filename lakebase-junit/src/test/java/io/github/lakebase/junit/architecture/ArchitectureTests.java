package io.github.lakebase.junit.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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

    @Test
    void providersDependOnTheSpiOnly() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        ROOT + ".internal.server..",
                        ROOT + ".internal.embedded..",
                        ROOT + ".internal.databricks..",
                        ROOT + ".internal.neon..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT,
                        ROOT + ".integration..",
                        ROOT + ".tools..",
                        ROOT + ".internal.inject..",
                        ROOT + ".internal.branching..",
                        ROOT + ".internal.config..")
                .because("a provider written outside the library has only the SPI (in-tree ones also share the "
                        + "neutral helpers of internal.util), and in-tree ones must not do more")
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
    void cloudProvidersShareNothingButTheSpiAndTheHelpers() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".internal.neon..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".internal.databricks..", ROOT + ".internal.server..", ROOT + ".internal.embedded..")
                .check(main);
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".internal.databricks..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".internal.neon..", ROOT + ".internal.server..", ROOT + ".internal.embedded..")
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
