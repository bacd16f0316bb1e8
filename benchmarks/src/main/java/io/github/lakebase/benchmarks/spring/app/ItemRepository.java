package io.github.lakebase.benchmarks.spring.app;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The Spring cell's repository: Spring Data JPA's, as an application declares it.
 *
 * <pre>{@code
 * List<Item> all = items.findAll(Sort.by("id"));
 * }</pre>
 */
public interface ItemRepository extends JpaRepository<Item, Integer> {}
