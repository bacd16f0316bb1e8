package io.github.lakebase.junit.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One difference that {@link SchemaDiff} found: an object added, removed, or changed in some of its properties.
 *
 * <pre>{@code
 * for (SchemaChange change : diff.changes()) {
 *     System.out.println(change.type() + " " + change.kind().label() + " " + change.name());
 *     change.properties().forEach(p -> System.out.println("  " + p.name() + ": " + p.before() + " -> " + p.after()));
 * }
 * }</pre>
 *
 * @param type added, removed or changed
 * @param before the object before; {@code null} when added
 * @param after the object after; {@code null} when removed
 */
public record SchemaChange(Type type, SchemaObject before, SchemaObject after) {

    /**
     * Checks that the objects fit the type.
     *
     * @param type added, removed or changed
     * @param before the object before, {@code null} when added
     * @param after the object after, {@code null} when removed
     */
    public SchemaChange {
        Objects.requireNonNull(type, "type");
        if ((before == null) != (type == Type.ADDED) || (after == null) != (type == Type.REMOVED)) {
            throw new IllegalArgumentException(type + " needs "
                    + switch (type) {
                        case ADDED -> "an object after only";
                        case REMOVED -> "an object before only";
                        case CHANGED -> "an object before and after";
                    });
        }
    }

    /** What happened to an object. */
    public enum Type {
        /** The object exists after only. */
        ADDED,
        /** The object exists before only. */
        REMOVED,
        /** The object exists on both sides with different properties. */
        CHANGED
    }

    /**
     * A property that differs between before and after.
     *
     * @param name the property, for example {@code "type"} or {@code "definition"}
     * @param before its value before, {@code null} when not set (or the object is added)
     * @param after its value after, {@code null} when not set (or the object is removed)
     */
    public record Property(String name, String before, String after) {}

    /**
     * What kind of object changed.
     *
     * @return the object's kind
     */
    public SchemaObject.Kind kind() {
        return object().kind();
    }

    /**
     * The object's schema-qualified name.
     *
     * @return the name
     */
    public String name() {
        return object().name();
    }

    /**
     * The object after, or before when removed.
     *
     * @return the object
     */
    public SchemaObject object() {
        return after != null ? after : before;
    }

    /**
     * The properties that differ, by name: every property of an added or removed object, the changed ones of a
     * changed object.
     *
     * @return the differing properties
     */
    public List<Property> properties() {
        TreeSet<String> names = new TreeSet<>();
        if (before != null) {
            names.addAll(before.properties().keySet());
        }
        if (after != null) {
            names.addAll(after.properties().keySet());
        }
        List<Property> properties = new ArrayList<>();
        for (String name : names) {
            String was = before == null ? null : before.properties().get(name);
            String is = after == null ? null : after.properties().get(name);
            if (!Objects.equals(was, is)) {
                properties.add(new Property(name, was, is));
            }
        }
        return properties;
    }
}
