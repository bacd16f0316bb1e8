package io.github.lakebase.samples.spring.catalog;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The product catalog as a Spring Boot application that migrates with Liquibase: its
 * {@code catalog.properties} names the production database, a changelog parameter and the contexts to
 * run. Its tests need nothing of that changed: Boot's Liquibase builds the base of their branches with
 * exactly these settings.
 */
@SpringBootApplication
public class CatalogApplication {

    public static void main(String[] args) {
        new SpringApplicationBuilder(CatalogApplication.class)
                .properties("spring.config.name=catalog")
                .run(args);
    }
}
