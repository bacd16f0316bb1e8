package io.github.lakebase.junit.tools;

import static io.github.lakebase.junit.tools.SchemaChange.Type.ADDED;
import static io.github.lakebase.junit.tools.SchemaChange.Type.CHANGED;
import static io.github.lakebase.junit.tools.SchemaChange.Type.REMOVED;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.COLUMN;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.CONSTRAINT;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.EXTENSION;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.FUNCTION;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.INDEX;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.MATERIALIZED_VIEW;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.SCHEMA;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.SEQUENCE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TABLE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TRIGGER;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.TYPE;
import static io.github.lakebase.junit.tools.SchemaObject.Kind.VIEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.tools.SchemaChange.Property;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaDiff} on real branches of a shop schema with one object of every kind: what it finds, what it
 * leaves out, and how it renders.
 */
@LakebaseBranch(migrations = SchemaDiffTests.SHOP)
class SchemaDiffTests {

    static final String SHOP = "classpath:migrations/schema";

    @Test
    void twoBranchesOfOneBaseHaveTheSameSchema(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws SQLException {
        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.isEmpty()).isTrue();
        assertThat(diff.changes()).isEmpty();
        assertThat(diff.beforeLabel()).isEqualTo(before.name());
        assertThat(diff.toString())
                .isEqualTo("Schema diff from " + before.name() + " to " + after.name() + ": no changes");
        assertThat(diff.toMarkdown()).endsWith("No schema changes.\n");
        try (Connection a = before.openConnection();
                Connection b = after.openConnection()) {
            assertThat(SchemaDiff.between(a, b).isEmpty()).isTrue();
            assertThat(a.isClosed()).as("the caller's connections stay open").isFalse();
        }
        assertThat(SchemaDiff.between(before.dataSource(), after.dataSource()).afterLabel())
                .isEqualTo(after.name());
    }

    @Test
    void findsEveryKindOfObjectAddedRemovedAndChangedInAFixedOrder(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, resource("tools/shop-v2.sql"));

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(ADDED, SCHEMA, "reporting"),
                        tuple(REMOVED, TYPE, "public.legacy_code"),
                        tuple(CHANGED, TYPE, "public.order_status"),
                        tuple(ADDED, TYPE, "public.shipping_method"),
                        tuple(ADDED, TYPE, "reporting.period"),
                        tuple(ADDED, TABLE, "public.shipment"),
                        tuple(CHANGED, COLUMN, "public.customer.name"),
                        tuple(ADDED, COLUMN, "public.customer.phone"),
                        tuple(REMOVED, COLUMN, "public.orders.placed_at"),
                        tuple(CHANGED, COLUMN, "public.product.price"),
                        tuple(CHANGED, COLUMN, "public.product.stock"),
                        tuple(ADDED, COLUMN, "public.shipment.id"),
                        tuple(ADDED, COLUMN, "public.shipment.method"),
                        tuple(ADDED, COLUMN, "public.shipment.order_id"),
                        tuple(CHANGED, CONSTRAINT, "public.order_line.order_line_quantity_check"),
                        tuple(ADDED, CONSTRAINT, "public.product.product_title_not_blank"),
                        tuple(ADDED, CONSTRAINT, "public.shipment.shipment_one_per_order"),
                        tuple(ADDED, CONSTRAINT, "public.shipment.shipment_order_id_fkey"),
                        tuple(ADDED, CONSTRAINT, "public.shipment.shipment_pkey"),
                        tuple(REMOVED, INDEX, "public.orders_customer_idx"),
                        tuple(ADDED, INDEX, "public.orders_customer_status_idx"),
                        tuple(CHANGED, TRIGGER, "public.order_line.order_line_takes_stock"),
                        tuple(ADDED, TRIGGER, "public.orders.orders_audit"),
                        tuple(CHANGED, VIEW, "public.open_orders"),
                        tuple(REMOVED, MATERIALIZED_VIEW, "public.product_sales"),
                        tuple(ADDED, MATERIALIZED_VIEW, "reporting.product_sales"),
                        tuple(CHANGED, SEQUENCE, "public.invoice_number"),
                        tuple(ADDED, SEQUENCE, "reporting.batch_number"),
                        tuple(REMOVED, FUNCTION, "public.close_order(IN order_id bigint)"),
                        tuple(CHANGED, FUNCTION, "public.take_stock()"),
                        tuple(ADDED, FUNCTION, "reporting.customer_count()"));
        assertThat(diff.added()).hasSize(17);
        assertThat(diff.removed()).hasSize(5);
        assertThat(diff.changed()).hasSize(9);

        assertThat(properties(diff, COLUMN, "public.customer.name"))
                .containsExactly(new Property("nullable", "no", "yes"));
        assertThat(properties(diff, COLUMN, "public.product.price"))
                .containsExactly(new Property("type", "numeric(10,2)", "numeric(12,2)"));
        assertThat(properties(diff, COLUMN, "public.product.stock"))
                .containsExactly(new Property("default", "0", "10"));
        assertThat(properties(diff, SEQUENCE, "public.invoice_number"))
                .containsExactly(new Property("increment", "1", "10"));
        assertThat(properties(diff, TRIGGER, "public.order_line.order_line_takes_stock"))
                .containsExactly(new Property("state", "enabled", "disabled"));
        assertThat(properties(diff, TYPE, "public.order_status"))
                .containsExactly(new Property(
                        "definition", "'open', 'paid', 'shipped'", "'open', 'paid', 'shipped', 'cancelled'"));
        assertThat(properties(diff, CONSTRAINT, "public.order_line.order_line_quantity_check"))
                .singleElement()
                .satisfies(p -> assertThat(p.after()).contains("quantity >= 1").contains("quantity <= 100"));
        assertThat(properties(diff, FUNCTION, "public.take_stock()"))
                .singleElement()
                .satisfies(p -> assertThat(p.after()).contains("RAISE EXCEPTION 'unknown product %'"));
        assertThat(diff.find(COLUMN, "public.shipment.id").orElseThrow().after().properties())
                .containsEntry("identity", "by default")
                .containsEntry("nullable", "no")
                .containsEntry("type", "bigint");
        assertThat(diff.find(COLUMN, "public.customer.email")).isEmpty();
    }

    @Test
    void theReverseDiffRemovesWhatWasAddedAndTheRestOfTheKindsChange(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, resource("tools/shop-v2.sql"));
        SchemaDiff forward = SchemaDiff.between(before, after);

        SchemaDiff reverse = SchemaDiff.between(after, before);

        assertThat(reverse.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactlyElementsOf(forward.changes().stream()
                        .map(c -> tuple(
                                switch (c.type()) {
                                    case ADDED -> REMOVED;
                                    case REMOVED -> ADDED;
                                    case CHANGED -> CHANGED;
                                },
                                c.kind(),
                                c.name()))
                        .toList());
        assertThat(reverse.removed())
                .extracting(SchemaChange::kind)
                .contains(
                        SCHEMA, TYPE, TABLE, COLUMN, CONSTRAINT, INDEX, TRIGGER, MATERIALIZED_VIEW, SEQUENCE, FUNCTION);
    }

    @Test
    void aTableTypeAnIndexDefinitionAViewAndAnExtensionAreFound(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(
                after,
                "ALTER TABLE order_line SET UNLOGGED; DROP INDEX orders_customer_idx;"
                        + "CREATE INDEX orders_customer_idx ON orders (customer_id DESC); CREATE VIEW big_orders AS "
                        + "SELECT order_id FROM order_line WHERE quantity > 10; CREATE EXTENSION citext");

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes())
                .extracting(SchemaChange::type, SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(CHANGED, TABLE, "public.order_line"),
                        tuple(CHANGED, INDEX, "public.orders_customer_idx"),
                        tuple(ADDED, VIEW, "public.big_orders"),
                        tuple(ADDED, EXTENSION, "citext"));
        assertThat(properties(diff, TABLE, "public.order_line"))
                .containsExactly(new Property("type", "table", "unlogged table"));
        assertThat(properties(diff, INDEX, "public.orders_customer_idx"))
                .singleElement()
                .satisfies(p -> assertThat(p.after()).endsWith("(customer_id DESC)"));
        assertThat(properties(diff, EXTENSION, "citext"))
                .extracting(Property::name)
                .containsExactly("schema", "version");
    }

    @Test
    void theMarkdownIsAsGolden(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(after, resource("tools/shop-v2.sql"));

        String markdown = SchemaDiff.options()
                .labels("shop v1", "shop v2")
                .between(before, after)
                .toMarkdown();

        String golden = resource("tools/shop-v2.golden.md");
        if (!markdown.equals(golden)) {
            Path actual = Path.of("target", "shop-v2.actual.md");
            Files.createDirectories(actual.getParent());
            Files.writeString(actual, markdown);
        }
        assertThat(markdown).as("compare with target/shop-v2.actual.md").isEqualTo(golden);
    }

    @Test
    void thePlainTextHasALinePerChangeAndTheDiffOfChangedDefinitions(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws Exception {
        execute(
                after,
                "ALTER TABLE product ALTER COLUMN stock SET DEFAULT 10; ALTER TABLE customer ADD COLUMN phone text;"
                        + "CREATE OR REPLACE VIEW open_orders AS SELECT o.id, c.email, o.placed_at FROM orders o "
                        + "JOIN customer c ON c.id = o.customer_id WHERE o.status = 'paid'");

        String text =
                SchemaDiff.options().labels("v1", "v2").between(before, after).toString();

        assertThat(text)
                .startsWith("Schema diff from v1 to v2: 1 added, 0 removed, 2 changed\n"
                        + "  + column  public.customer.phone  text\n"
                        + "  ~ column  public.product.stock   default: 0 → 10\n"
                        + "  ~ view    public.open_orders     definition\n"
                        + "      @@ ");
        assertThat(text)
                .contains(
                        "\n      -  WHERE o.status = 'open'::order_status;",
                        "\n      +  WHERE o.status = 'paid'::order_status;");
    }

    @Test
    void leavesOutFlywaysHistorySchemasAndTablesAsToldAndTheInsidesOfExtensions(
            @LakebaseBranch(name = "before") Branch before, @LakebaseBranch(name = "after") Branch after)
            throws SQLException {
        execute(
                after,
                "ALTER TABLE flyway_schema_history ADD COLUMN reviewed_by text;"
                        + "CREATE SCHEMA audit; CREATE TABLE audit.event (id bigint PRIMARY KEY, payload jsonb);"
                        + "CREATE EXTENSION citext;");

        assertThat(SchemaDiff.between(before, after).changes())
                .extracting(SchemaChange::kind, SchemaChange::name)
                .containsExactly(
                        tuple(SCHEMA, "audit"),
                        tuple(TABLE, "audit.event"),
                        tuple(COLUMN, "audit.event.id"),
                        tuple(COLUMN, "audit.event.payload"),
                        tuple(CONSTRAINT, "audit.event.event_pkey"),
                        tuple(EXTENSION, "citext"));
        assertThat(SchemaDiff.options()
                        .excludeSchemas("audit")
                        .between(before, after)
                        .changes())
                .extracting(SchemaChange::name)
                .containsExactly("citext");
        assertThat(SchemaDiff.options().schemas("audit").between(before, after).changes())
                .extracting(SchemaChange::name)
                .doesNotContain("citext")
                .contains("audit.event");
        assertThat(SchemaDiff.options()
                        .excludeTables()
                        .excludeSchemas("audit")
                        .between(before, after)
                        .changes())
                .extracting(SchemaChange::name)
                .containsExactly("public.flyway_schema_history.reviewed_by", "citext");
        assertThat(SchemaDiff.options()
                        .excludeTables("audit.event", "flyway_schema_history")
                        .between(before, after)
                        .changes())
                .extracting(SchemaChange::name)
                .containsExactly("audit", "citext");
    }

    @Test
    void theOrderOfTheCatalogsRowsDoesNotMatter() {
        List<SchemaObject> before = new ArrayList<>();
        List<SchemaObject> after = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            before.add(new SchemaObject(COLUMN, "public.t.c" + i, java.util.Map.of("type", "text")));
            after.add(new SchemaObject(i % 2 == 0 ? COLUMN : INDEX, "public.t.c" + i, java.util.Map.of("type", "int")));
        }
        String expected = Comparison.compare("a", before, "b", after).toString();
        for (int round = 0; round < 5; round++) {
            Collections.shuffle(before, new Random(round));
            Collections.shuffle(after, new Random(round + 100));
            assertThat(Comparison.compare("a", before, "b", after).toString()).isEqualTo(expected);
        }
    }

    @Test
    void saysWhatIsWrongWithItsInput(Branch branch) {
        assertThatThrownBy(() -> SchemaDiff.between(branch, (Branch) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("compares two databases");
        assertThatThrownBy(() -> SchemaDiff.options().labels("", "b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SchemaDiff.options().schemas("public", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schemas(...)");
        assertThatThrownBy(() -> SchemaDiff.between((DataSource) null, branch.dataSource()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static List<Property> properties(SchemaDiff diff, SchemaObject.Kind kind, String name) {
        return diff.find(kind, name)
                .orElseThrow(() -> new AssertionError("no change of " + name))
                .properties();
    }

    static void execute(Branch branch, String sql) throws SQLException {
        try (Connection c = branch.openConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String resource(String name) throws IOException {
        try (InputStream in = SchemaDiffTests.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
