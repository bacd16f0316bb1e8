package io.github.lakebase.junit.spring.jpa;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A JPA application whose schema Hibernate creates from its entities, as it did on an embedded database. */
@SpringBootApplication
public class OwnerApplication {}
