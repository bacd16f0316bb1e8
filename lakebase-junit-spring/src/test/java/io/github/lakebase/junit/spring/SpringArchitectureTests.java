package io.github.lakebase.junit.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spring module is built on the library's API and its integration seam only, as any framework
 * outside the library would be, and on Spring Framework only, so that one jar serves every Boot line.
 */
class SpringArchitectureTests {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.github.lakebase.junit.spring");
    }

    @Test
    void usesTheApiAndTheIntegrationSeamOnly() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.github.lakebase.junit.internal..", "io.github.lakebase.junit.spi..")
                .because("the engine's internals may change in any release; integration is the seam")
                .check(main);
    }

    @Test
    void usesNoSpringBootClass() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework.boot..")
                .because("one jar serves Spring Boot 3.5, 4.0 and 4.1, and plain Spring Framework")
                .check(main);
    }
}
