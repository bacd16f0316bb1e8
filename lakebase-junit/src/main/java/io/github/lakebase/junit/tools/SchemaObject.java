package io.github.lakebase.junit.tools;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One object of a database schema as {@link SchemaDiff} reads it from the catalogs: what it is, its name, and
 * the properties that are compared (a column's type, nullability and default; a view's definition; ...).
 *
 * <pre>{@code
 * SchemaObject column = diff.added().get(0).after();
 * column.kind();                 // COLUMN
 * column.name();                 // public.inventory.location_code
 * column.properties().get("type");   // text
 * }</pre>
 *
 * @param kind what the object is
 * @param name its identity, schema-qualified: {@code public.inventory} for a table,
 *     {@code public.inventory.location_code} for a column or a table's constraint or trigger,
 *     {@code public.inventory_location_idx} for an index, {@code public.parts(code text)} for a function; each
 *     part quoted as PostgreSQL quotes it, so {@code public."Order"."Total"} but {@code public.orders.total}
 * @param properties what is compared, by property name, sorted by name; absent when not set (a column without
 *     a default has no {@code default}); every object may have a {@code comment}
 */
public record SchemaObject(Kind kind, String name, Map<String, String> properties) {

    /**
     * Checks the values and copies the properties into a sorted, unmodifiable map.
     *
     * @param kind what the object is
     * @param name its schema-qualified identity
     * @param properties what is compared
     */
    public SchemaObject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    /** What a schema object is; the order is the order of a diff. */
    public enum Kind {
        /** A schema (namespace). */
        SCHEMA("schema"),
        /** A type of one's own: enum, domain, composite or range. */
        TYPE("type"),
        /**
         * A table (also partitioned, unlogged and foreign tables): the partition it is of and its bounds, its
         * partition key, its parents, row-level security, storage options and replica identity.
         */
        TABLE("table"),
        /**
         * A column of a table: type, collation, nullability, default, identity (and its sequence's options),
         * generation, storage, compression, options and statistics target.
         */
        COLUMN("column"),
        /** A primary key, foreign key, unique, check or exclusion constraint of a table, and its index's options. */
        CONSTRAINT("constraint"),
        /** An index that does not belong to a constraint. */
        INDEX("index"),
        /** A trigger of a table: its definition and whether it is enabled, disabled, or enabled always or replica. */
        TRIGGER("trigger"),
        /** A rule of a table ({@code CREATE RULE}): its definition and whether it is enabled. */
        RULE("rule"),
        /** A row-level security policy of a table: permissive or restrictive, command, roles and expressions. */
        POLICY("policy"),
        /** An extended statistics object ({@code CREATE STATISTICS}): its definition and statistics target. */
        STATISTICS("statistics"),
        /** A view: its definition and options ({@code security_invoker}, {@code check_option}, ...). */
        VIEW("view"),
        /** A materialized view: its definition and storage options. */
        MATERIALIZED_VIEW("materialized view"),
        /** A sequence: type, start, increment, bounds, cache, cycle and owner column. */
        SEQUENCE("sequence"),
        /**
         * A function, procedure or aggregate: signature, result, language and definition (an aggregate's as
         * {@code CREATE AGGREGATE} with its state function, state type, final function, initial condition, ...).
         */
        FUNCTION("function"),
        /** An installed extension and its version. */
        EXTENSION("extension"),
        /**
         * The privileges of one grantee on one object (table, column, sequence, function, schema or type) that
         * differ from the object's defaults, named like {@code TABLE public.orders TO report_reader}.
         */
        PRIVILEGE("privilege"),
        /**
         * The default privileges of one grantee on what a role creates ({@code ALTER DEFAULT PRIVILEGES}), in one
         * schema or in all, named like {@code FOR ROLE app IN SCHEMA public ON TABLES TO report_reader}.
         */
        DEFAULT_PRIVILEGE("default privilege");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /**
         * How a diff names this kind, for example {@code "materialized view"}.
         *
         * @return a lowercase label
         */
        public String label() {
            return label;
        }
    }
}
