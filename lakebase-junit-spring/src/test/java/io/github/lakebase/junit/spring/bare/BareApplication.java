package io.github.lakebase.junit.spring.bare;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A Spring Boot application with nothing of its own: no entities, no components. Tests give it their
 * schema set-up (properties, Flyway beans) and look at what it built.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BareApplication {}
