package io.github.lakebase.junit.spring.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A Spring Boot application with a production database in its {@code application.properties}. */
@SpringBootApplication
public class InventoryApplication {}
