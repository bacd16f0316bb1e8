package io.github.lakebase.junit.internal.databricks;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Branch ids of the library on Lakebase, where an id has 1 to 63 lowercase letters, digits and
 * hyphens and starts with a letter: the library's names ({@code lbj_k3x9q2a_7_deletes_everything})
 * with hyphens for underscores ({@code lbj-k3x9q2a-7-deletes-everything}). Lakebase keeps no labels
 * on a branch, so the id is what tells the library's branches, and the run that made them, apart.
 */
final class BranchIds {

    private static final int MAX_LENGTH = 63;

    private final String prefix;
    private final Pattern owned;

    /**
     * @param libraryPrefix {@code lakebase.branch-prefix}, for example {@code lbj_}
     */
    BranchIds(String libraryPrefix) {
        // lbj_ becomes lbj-, as in every id made from a name with that prefix
        this.prefix = libraryPrefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        // <prefix><run>-<n>[-hint], <prefix><run>-base-<n> or <prefix><run>-parent-<n>-<name>
        this.owned = Pattern.compile(
                Pattern.quote(prefix) + "([a-z][a-z0-9]*)-(?:\\d+|base-\\d+|parent-\\d+)(?:-[a-z0-9-]*)?");
    }

    /** The Lakebase id for a name made by the library of lowercase letters, digits and underscores. */
    static String normalize(String name) {
        String id = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        if (id.isEmpty() || !Character.isLetter(id.charAt(0))) {
            id = "b-" + id;
        }
        if (id.length() > MAX_LENGTH) {
            id = id.substring(0, MAX_LENGTH);
        }
        return id.replaceAll("-+$", "");
    }

    /**
     * The run that created a branch, when its id has the form of the library's ids with this prefix.
     *
     * @param id a branch id
     * @return the run id, or empty for a branch the library did not name
     */
    Optional<String> run(String id) {
        Matcher m = owned.matcher(id);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Whether an id is a test's branch of the library ({@code <prefix><run>-<n>[-hint]}): not a base or a parent. */
    boolean testBranch(String id) {
        Matcher m = owned.matcher(id);
        return m.matches() && Character.isDigit(id.charAt(m.end(1) + 1));
    }
}
