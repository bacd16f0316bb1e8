package io.github.lakebase.benchmarks.spring.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot application of the Spring cell: one entity, {@link Item}, and its JPA repository,
 * {@link ItemRepository}, on a database that Boot's Flyway builds from
 * {@link io.github.lakebase.benchmarks.spring.migration.V1__Items}.
 *
 * <pre>{@code
 * @DataJpaTest
 * @ContextConfiguration(classes = SpringBenchApplication.class)
 * class ItemRepositoryTest { @Autowired ItemRepository items; }
 * }</pre>
 */
@SpringBootApplication
public class SpringBenchApplication {}
