package io.github.lakebase.samples.spring.inventory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The inventory service as a Spring Boot application. Its {@code application.properties} points at
 * the production database, and Boot's Flyway migrates it to release 2 (the split inventory code)
 * when it starts: exactly what its tests must exercise, on branches, without ever reaching production.
 */
@SpringBootApplication
public class InventoryApplication {

    public static void main(String[] args) {
        SpringApplication.run(InventoryApplication.class, args);
    }
}
