package io.github.lakebase.junit.tools;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.tools.SchemaChange.Type;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The difference between the schemas of two databases, read from their catalogs, as a DBA reviews a migration:
 *
 * <ul>
 *   <li>tables: kind, partition bounds ({@code partition of public.entry FOR VALUES FROM (...) TO (...)}),
 *       partition key, parents, row-level security, storage options, replica identity;
 *   <li>columns: type, collation, nullability, default, identity and its sequence options, generation,
 *       storage, compression, options and statistics target;
 *   <li>constraints, indexes, triggers (and whether they are enabled), rules, row-level security policies and
 *       extended statistics; what partitions have from their parent is folded into the parent's entry;
 *   <li>views and materialized views (definition and options such as {@code security_invoker}), sequences,
 *       functions, procedures and aggregates (signature and definition), types (enum values in order, domains
 *       with their named constraints, composite and range types), extensions and schemas;
 *   <li>privileges per object and grantee ({@code GRANT SELECT, INSERT ON TABLE public.orders TO
 *       report_reader}), column privileges, default privileges, and comments.
 * </ul>
 *
 * <p>Names are schema-qualified and quoted as PostgreSQL quotes them ({@code public."Order"}). Only user schemas
 * are read: {@code pg_catalog}, {@code information_schema} and the objects of extensions are left out, and so is
 * Flyway's history table, unless told otherwise. Data and owners are not compared; {@code docs/schema-diff.md}
 * lists what else is left out.
 *
 * <p>Typical use is the review of a migration: the schema of a branch of the parent next to the schema of a
 * branch of the same parent with the migration applied, rendered as Markdown for the pull request.
 *
 * <pre>{@code
 * @Test
 * void reviewTheMigration(@LakebaseBranch(name = "before", from = "production", migrations = "classpath:db/released") Branch before,
 *                         @LakebaseBranch(name = "after", from = "production") Branch after) throws Exception {
 *     SchemaDiff diff = SchemaDiff.options().labels("production", "this change").between(before, after);
 *     Files.writeString(Path.of("target/schema-diff.md"), diff.toMarkdown());
 *     System.out.println(diff);                                   // plain text
 *     assertThat(diff.removed()).isEmpty();                        // an expand step removes nothing
 *     assertThat(diff.find(SchemaObject.Kind.COLUMN, "public.inventory.location_code")).isPresent();
 * }
 * }</pre>
 *
 * <p>The changes are in a fixed order (by kind of object, then name), so the same two schemas always give the
 * same text.
 */
public final class SchemaDiff {

    private final String beforeLabel;
    private final String afterLabel;
    private final List<SchemaChange> changes;

    SchemaDiff(String beforeLabel, String afterLabel, List<SchemaChange> changes) {
        this.beforeLabel = beforeLabel;
        this.afterLabel = afterLabel;
        this.changes = List.copyOf(changes);
    }

    /**
     * Compares the schemas of two branches, with the default {@link Options}; labelled with the branches' names.
     *
     * @param before the branch before, for example one of the parent
     * @param after the branch after, for example one with the migration applied
     * @return the difference
     * @throws SQLException when a catalog cannot be read
     */
    public static SchemaDiff between(Branch before, Branch after) throws SQLException {
        return options().between(before, after);
    }

    /**
     * Compares the schemas of the databases of two data sources, with the default {@link Options}; labelled with
     * the databases' names.
     *
     * @param before the database before
     * @param after the database after
     * @return the difference
     * @throws SQLException when a catalog cannot be read
     */
    public static SchemaDiff between(DataSource before, DataSource after) throws SQLException {
        return options().between(before, after);
    }

    /**
     * Compares the schemas of two connected databases, with the default {@link Options}; labelled with the
     * databases' names. The connections stay open.
     *
     * @param before a connection to the database before
     * @param after a connection to the database after
     * @return the difference
     * @throws SQLException when a catalog cannot be read
     */
    public static SchemaDiff between(Connection before, Connection after) throws SQLException {
        return options().between(before, after);
    }

    /**
     * Options of a comparison: which schemas and tables, and the labels of both sides.
     *
     * <pre>{@code
     * SchemaDiff diff = SchemaDiff.options().schemas("public", "billing").labels("main", "feature").between(a, b);
     * }</pre>
     *
     * @return the default options, to change and then compare with
     */
    public static Options options() {
        return new Options();
    }

    /**
     * What the side before is called in renderings: a branch's name, a database's name or a label of one's own.
     *
     * @return the label of the side before
     */
    public String beforeLabel() {
        return beforeLabel;
    }

    /**
     * What the side after is called in renderings.
     *
     * @return the label of the side after
     */
    public String afterLabel() {
        return afterLabel;
    }

    /**
     * Whether the two schemas are the same.
     *
     * @return {@code true} when nothing was added, removed or changed
     */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /**
     * Every change, ordered by kind of object (as {@link SchemaObject.Kind} lists them), then by name.
     *
     * @return the changes
     */
    public List<SchemaChange> changes() {
        return changes;
    }

    /**
     * The objects that exist after only.
     *
     * @return the added objects' changes
     */
    public List<SchemaChange> added() {
        return ofType(Type.ADDED);
    }

    /**
     * The objects that exist before only.
     *
     * @return the removed objects' changes
     */
    public List<SchemaChange> removed() {
        return ofType(Type.REMOVED);
    }

    /**
     * The objects that exist on both sides with different properties.
     *
     * @return the changed objects' changes
     */
    public List<SchemaChange> changed() {
        return ofType(Type.CHANGED);
    }

    /**
     * The change of one object, if it changed.
     *
     * @param kind the object's kind
     * @param name its schema-qualified name, as {@link SchemaObject#name()} writes it (quoted where PostgreSQL
     *     quotes, for example {@code "public.\"Order\".total"})
     * @return the change, or empty when the object is the same on both sides (or on neither)
     */
    public Optional<SchemaChange> find(SchemaObject.Kind kind, String name) {
        return changes.stream()
                .filter(c -> c.kind() == kind && c.name().equals(name))
                .findFirst();
    }

    private List<SchemaChange> ofType(Type type) {
        return changes.stream().filter(c -> c.type() == type).toList();
    }

    /**
     * The difference as Markdown for a pull-request comment: a heading with both labels, a table of the changes,
     * and the definitions of views and functions (as unified diffs when they changed) in a collapsed section.
     *
     * @return Markdown text
     */
    public String toMarkdown() {
        return DiffRendering.markdown(this);
    }

    /**
     * The difference as plain text for a log: a summary line, then one line per change ({@code +} added,
     * {@code -} removed, {@code ~} changed) and the unified diff of changed definitions.
     *
     * @return plain text
     */
    @Override
    public String toString() {
        return DiffRendering.text(this);
    }

    /**
     * What to compare and how to call both sides. By default: every user schema, every table except Flyway's
     * history table ({@code flyway_schema_history}), and the names of the branches or databases as labels.
     *
     * <pre>{@code
     * SchemaDiff.options()
     *         .excludeSchemas("audit")                       // never compared
     *         .excludeTables("flyway_schema_history", "public.spatial_ref_sys")
     *         .labels("production", "release 2")
     *         .between(before, after);
     * }</pre>
     */
    public static final class Options {

        private Set<String> schemas = Set.of();
        private Set<String> excludedSchemas = Set.of();
        private Set<String> excludedTables = Set.of("flyway_schema_history");
        private String beforeLabel;
        private String afterLabel;

        private Options() {}

        /**
         * Compares these schemas only, instead of every user schema.
         *
         * @param names schema names, as stored in the catalog (for example {@code "public"})
         * @return these options
         */
        public Options schemas(String... names) {
            this.schemas = names(names, "schemas");
            return this;
        }

        /**
         * Never compares these schemas.
         *
         * @param names schema names
         * @return these options
         */
        public Options excludeSchemas(String... names) {
            this.excludedSchemas = names(names, "excludeSchemas");
            return this;
        }

        /**
         * Never compares these tables, nor what belongs to them (columns, constraints, indexes, triggers, rules,
         * policies, privileges). Replaces the default,
         * {@code flyway_schema_history}: call it with no name to compare every table.
         *
         * @param names table names: a bare name ({@code "flyway_schema_history"}) matches in every schema, a
         *     qualified one ({@code "public.audit_log"}) in its schema only
         * @return these options
         */
        public Options excludeTables(String... names) {
            this.excludedTables = names(names, "excludeTables");
            return this;
        }

        /**
         * What to call both sides in renderings, instead of the branches' or databases' names.
         *
         * @param before the label of the side before, for example {@code "production"}
         * @param after the label of the side after, for example {@code "release 2"}
         * @return these options
         */
        public Options labels(String before, String after) {
            if (before == null || before.isBlank() || after == null || after.isBlank()) {
                throw new IllegalArgumentException(
                        "Both labels must be non-blank; got '" + before + "' and '" + after + "'");
            }
            this.beforeLabel = before;
            this.afterLabel = after;
            return this;
        }

        /**
         * Compares two branches.
         *
         * @param before the branch before
         * @param after the branch after
         * @return the difference
         * @throws SQLException when a catalog cannot be read
         */
        public SchemaDiff between(Branch before, Branch after) throws SQLException {
            requireBoth(before, after);
            try (Connection a = before.openConnection();
                    Connection b = after.openConnection()) {
                return compare(a, before.name(), b, after.name());
            }
        }

        /**
         * Compares the databases of two data sources.
         *
         * @param before the database before
         * @param after the database after
         * @return the difference
         * @throws SQLException when a catalog cannot be read
         */
        public SchemaDiff between(DataSource before, DataSource after) throws SQLException {
            requireBoth(before, after);
            try (Connection a = before.getConnection();
                    Connection b = after.getConnection()) {
                return between(a, b);
            }
        }

        /**
         * Compares two connected databases; the connections stay open.
         *
         * @param before a connection to the database before
         * @param after a connection to the database after
         * @return the difference
         * @throws SQLException when a catalog cannot be read
         */
        public SchemaDiff between(Connection before, Connection after) throws SQLException {
            requireBoth(before, after);
            return compare(before, database(before), after, database(after));
        }

        private SchemaDiff compare(Connection a, String aName, Connection b, String bName) throws SQLException {
            Catalog.Scope scope = new Catalog.Scope(schemas, excludedSchemas, excludedTables);
            return Comparison.compare(
                    beforeLabel != null ? beforeLabel : aName,
                    Catalog.read(a, scope),
                    afterLabel != null ? afterLabel : bName,
                    Catalog.read(b, scope));
        }

        private static void requireBoth(Object before, Object after) {
            if (before == null || after == null) {
                throw new IllegalArgumentException(
                        "SchemaDiff compares two databases; got " + before + " and " + after);
            }
        }

        private static Set<String> names(String[] names, String option) {
            if (names == null || Arrays.stream(names).anyMatch(n -> n == null || n.isBlank())) {
                throw new IllegalArgumentException(option + "(...) takes non-blank names; got "
                        + (names == null ? "null" : Arrays.toString(names)));
            }
            return Set.copyOf(Arrays.asList(names));
        }

        private static String database(Connection c) throws SQLException {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_database()")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
