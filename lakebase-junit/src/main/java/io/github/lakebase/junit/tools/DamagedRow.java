package io.github.lakebase.junit.tools;

import java.util.List;
import java.util.Objects;

/**
 * One row that {@link Corruption} damaged: its primary key, the kind of damage, and the value before and after.
 *
 * <pre>{@code
 * for (DamagedRow row : report.rows()) {
 *     System.out.println(row.id() + ": '" + row.original() + "' -> '" + row.damaged() + "' (" + row.damage() + ")");
 * }
 * }</pre>
 *
 * @param key the row's primary-key values, in the order of the key's columns, as the JDBC driver reads them
 *     (a {@code bigint} key is a {@link Long})
 * @param damage what was done to the value
 * @param original the value before
 * @param damaged the value after; {@code null} for {@link Damage#NULL}
 */
public record DamagedRow(List<Object> key, Damage damage, String original, String damaged) {

    /**
     * Copies the key, and checks that the row has one.
     *
     * @param key the primary-key values
     * @param damage the kind of damage
     * @param original the value before
     * @param damaged the value after
     */
    public DamagedRow {
        key = List.copyOf(key);
        Objects.requireNonNull(damage, "damage");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("A damaged row needs its primary-key values");
        }
    }

    /**
     * The primary-key value of a table with a single-column key, for example the {@code id}.
     *
     * @return the only primary-key value
     * @throws IllegalStateException when the table's primary key has several columns; use {@link #key()}
     */
    public Object id() {
        if (key.size() != 1) {
            throw new IllegalStateException(
                    "The primary key has " + key.size() + " columns " + key + "; use key() for a composite key");
        }
        return key.get(0);
    }
}
