package io.github.lakebase.junit.tools;

import io.github.lakebase.junit.tools.SchemaChange.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Compares what was read from two catalogs, object by object, into a {@link SchemaDiff}. */
final class Comparison {

    /** The order of a diff: by kind of object, then by name. */
    private static final Comparator<SchemaObject> ORDER =
            Comparator.comparing(SchemaObject::kind).thenComparing(SchemaObject::name);

    private Comparison() {}

    static SchemaDiff compare(
            String beforeLabel, List<SchemaObject> before, String afterLabel, List<SchemaObject> after) {
        return compare(
                beforeLabel, new Catalog.Contents(before, Set.of()), afterLabel, new Catalog.Contents(after, Set.of()));
    }

    /**
     * Compares two catalogs' contents; an object folded into its parent's on each side where it exists (the index
     * a partition has from its parent's, say) is no change of its own.
     */
    static SchemaDiff compare(String beforeLabel, Catalog.Contents before, String afterLabel, Catalog.Contents after) {
        Function<List<SchemaObject>, Map<String, SchemaObject>> byKey = objects -> objects.stream()
                .collect(Collectors.toMap(o -> Catalog.key(o.kind(), o.name()), o -> o, (a, b) -> a, TreeMap::new));
        Map<String, SchemaObject> was = byKey.apply(before.objects());
        Map<String, SchemaObject> is = byKey.apply(after.objects());
        Set<String> keys = new LinkedHashSet<>(was.keySet());
        keys.addAll(is.keySet());
        List<SchemaChange> changes = new ArrayList<>();
        for (String key : keys) {
            SchemaObject a = was.get(key);
            SchemaObject b = is.get(key);
            if ((a == null || before.folded().contains(key))
                    && (b == null || after.folded().contains(key))) {
                continue;
            }
            if (a == null) {
                changes.add(new SchemaChange(Type.ADDED, null, b));
            } else if (b == null) {
                changes.add(new SchemaChange(Type.REMOVED, a, null));
            } else if (!a.properties().equals(b.properties())) {
                changes.add(new SchemaChange(Type.CHANGED, a, b));
            }
        }
        changes.sort(Comparator.comparing(SchemaChange::object, ORDER));
        return new SchemaDiff(beforeLabel, afterLabel, changes);
    }
}
