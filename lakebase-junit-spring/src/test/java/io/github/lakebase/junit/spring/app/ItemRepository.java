package io.github.lakebase.junit.spring.app;

import org.springframework.data.jpa.repository.JpaRepository;

/** Spring Data JPA over the inventory. */
public interface ItemRepository extends JpaRepository<Item, Long> {}
