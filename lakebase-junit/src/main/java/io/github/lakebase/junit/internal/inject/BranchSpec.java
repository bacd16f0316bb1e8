package io.github.lakebase.junit.internal.inject;

import io.github.lakebase.junit.CleanupMode;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.integration.BaseSpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * What a {@link LakebaseBranch} declaration asks for, validated: two injection points that ask for
 * the same name in the same scope must ask for the same thing.
 *
 * @param name the qualifier
 * @param from the parent, empty for the configured default
 * @param migrations Flyway locations or Liquibase changelogs, empty for the configured default
 * @param asOf the point in time, or {@code null}
 * @param cleanup the cleanup mode as declared (maybe {@link CleanupMode#DEFAULT})
 */
record BranchSpec(String name, String from, List<String> migrations, Instant asOf, CleanupMode cleanup) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,39}");

    /**
     * The spec of {@code annotation}; unset attributes are taken from {@code enclosing} (the method's
     * or class's declaration), if any.
     */
    static BranchSpec of(LakebaseBranch annotation, BranchSpec enclosing, String where) {
        String name = annotation.name();
        checkName(name, where);
        Instant asOf = parseAsOf(annotation.asOf(), where);
        BranchSpec own = new BranchSpec(
                name, annotation.from().trim(), List.of(annotation.migrations()), asOf, annotation.cleanup());
        if (enclosing == null) {
            return own;
        }
        return new BranchSpec(
                name,
                own.from.isEmpty() ? enclosing.from : own.from,
                own.migrations.isEmpty() ? enclosing.migrations : own.migrations,
                own.asOf == null ? enclosing.asOf : own.asOf,
                own.cleanup == CleanupMode.DEFAULT ? enclosing.cleanup : own.cleanup);
    }

    private static Instant parseAsOf(String asOf, String where) {
        if (asOf.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(asOf.trim());
        } catch (DateTimeParseException e) {
            throw new ExtensionConfigurationException("@LakebaseBranch(asOf = \"" + asOf + "\") on " + where
                    + " is not an ISO-8601 instant; write it like \"2026-11-01T08:30:00Z\".");
        }
    }

    /** The base this branch is forked from. */
    BaseSpec base() {
        return new BaseSpec(from, migrations);
    }

    /** This spec for the branch called {@code other}, validated as a declaration's name is. */
    BranchSpec named(String other, String where) {
        checkName(other, where);
        return new BranchSpec(other, from, migrations, asOf, cleanup);
    }

    private static void checkName(String name, String where) {
        if (!name.isEmpty() && !NAME.matcher(name).matches()) {
            throw new ExtensionConfigurationException("@LakebaseBranch(name = \"" + name + "\") on " + where
                    + " is not a valid branch name: use a letter followed by up to 39 letters, digits, '_' or '-'.");
        }
    }

    /** A short description for messages. */
    String describe() {
        return "name = \"" + name + "\", from = \"" + from + "\", migrations = " + migrations + ", asOf = "
                + (asOf == null ? "\"\"" : "\"" + asOf + "\"") + ", cleanup = " + cleanup;
    }
}
