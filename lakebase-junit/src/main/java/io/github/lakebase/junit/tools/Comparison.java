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
                beforeLabel, new Catalog.Contents(before, Map.of()), afterLabel, new Catalog.Contents(after, Map.of()));
    }

    /**
     * Compares two catalogs' contents. An object folded into its parent's (the index a partition has from its
     * parent's index, say) is no change of its own when it is folded on both sides, when it was added with its
     * parent object or its table, or removed with them; otherwise, as when a detached partition loses the index it
     * had from its parent, it is.
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
            if (partOfItsParentsChange(
                    key,
                    a == null ? null : before.folded().get(key),
                    was,
                    b == null ? null : after.folded().get(key),
                    is)) {
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

    /**
     * Whether the change of an object is part of its parent's: folded on both sides, or folded on the one side where
     * it exists while its parent object or its table exists on that side only.
     */
    private static boolean partOfItsParentsChange(
            String key,
            Catalog.Fold was,
            Map<String, SchemaObject> before,
            Catalog.Fold is,
            Map<String, SchemaObject> after) {
        boolean existed = before.containsKey(key);
        boolean exists = after.containsKey(key);
        if (existed && exists) {
            return was != null && is != null;
        }
        if (exists) {
            return is != null && (!before.containsKey(is.parent()) || !before.containsKey(is.table()));
        }
        return was != null && (!after.containsKey(was.parent()) || !after.containsKey(was.table()));
    }
}
