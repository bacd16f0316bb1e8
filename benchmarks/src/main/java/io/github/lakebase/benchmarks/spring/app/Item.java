package io.github.lakebase.benchmarks.spring.app;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An item of the Spring cell's application: the table {@code item}, which every test finds with its
 * {@value io.github.lakebase.benchmarks.spring.migration.V1__Items#ITEMS} rows as the migration left them,
 * then changes and deletes.
 *
 * <pre>{@code
 * item.setName("sold out");
 * }</pre>
 */
@Entity
@Table(name = "item")
public class Item {

    @Id
    private Integer id;

    private String name;

    private int quantity;

    /** For JPA. */
    protected Item() {}

    /** Its key. */
    public Integer getId() {
        return id;
    }

    /** Its name: {@code item <id>} as the migration left it. */
    public String getName() {
        return name;
    }

    /** Renames it. */
    public void setName(String name) {
        this.name = name;
    }

    /** Its quantity: its id as the migration left it. */
    public int getQuantity() {
        return quantity;
    }
}
