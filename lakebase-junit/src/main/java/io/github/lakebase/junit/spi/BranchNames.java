package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * How every branch the library creates is named: the one place that builds and reads those names,
 * so that a sweep recognises what a dead run left, and the library never touches a name it did not
 * make.
 *
 * <table>
 *   <caption>The names, with the default prefix {@code lbj_} and run id {@code k3x9q2a}</caption>
 *   <tr><th>what</th><th>form</th><th>example</th></tr>
 *   <tr><td>test branch</td><td>{@code <prefix><run>_<n>_<hint>}</td><td>{@code lbj_k3x9q2a_12_deletes_everything}</td></tr>
 *   <tr><td>spare (forked ahead)</td><td>{@code <prefix><run>_<n>}</td><td>{@code lbj_k3x9q2a_13}</td></tr>
 *   <tr><td>claimed spare</td><td>{@code <spare>_<hint>}, or {@code <spare>} where a session was opened on it
 *   ahead (branches restored in place)</td><td>{@code lbj_k3x9q2a_13_reads_stock}</td></tr>
 *   <tr><td>base</td><td>{@code <prefix><run>_base_<n>}</td><td>{@code lbj_k3x9q2a_base_2}</td></tr>
 *   <tr><td>built parent</td><td>{@code <prefix><run>_parent_<n>_<name>}</td><td>{@code lbj_k3x9q2a_parent_1_staging}</td></tr>
 *   <tr><td>kept base or parent</td><td>{@code <prefix><kind>_<key>}</td><td>{@code lbj_base_4f1c2a9e0b7d}</td></tr>
 * </table>
 *
 * <p>A hint is made of lowercase letters, digits and underscores ({@code deletesEverything} becomes
 * {@code deletes_everything}), and a name is cut to PostgreSQL's 63-byte identifier limit. A provider
 * whose service has other rules maps a name with {@link BranchProvider#normalizeName}. Thread-safe.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class BranchNames {

    /** PostgreSQL's limit for an identifier, in bytes (NAMEDATALEN - 1). */
    public static final int MAX_LENGTH = 63;

    /** Where a word of a camel-case name starts, after a lower-case letter or a digit. */
    private static final Pattern WORD_START = Pattern.compile("([a-z0-9])([A-Z])");
    /** A run of characters other than lower-case letters and digits, which becomes one underscore. */
    private static final Pattern NOT_NAME = Pattern.compile("[^a-z0-9]+");
    /** Underscores at the start or the end. */
    private static final Pattern EDGE_UNDERSCORES = Pattern.compile("^_+|_+$");
    /** Underscores at the end. */
    private static final Pattern TRAILING_UNDERSCORES = Pattern.compile("_+$");

    private static final Pattern RUN_OWNED = Pattern.compile("([a-z][a-z0-9]*)_(?:\\d+|base_\\d+|parent_\\d+)(?:_.*)?");
    /** JVM-wide: two providers of one run may share a server, and names must never collide. */
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final String prefix;
    private final String runId;

    /**
     * Names for one run.
     *
     * @param prefix the prefix of every name ({@code lakebase.branch-prefix}), for example {@code lbj_}
     * @param runId the run's id, lowercase letters and digits
     */
    public BranchNames(String prefix, String runId) {
        this.prefix = prefix;
        this.runId = runId;
    }

    /**
     * The prefix of every name the library creates.
     *
     * @return the prefix, for example {@code lbj_}
     */
    public String prefix() {
        return prefix;
    }

    /**
     * A new test branch, or a spare when {@code hint} is empty.
     *
     * @param hint what the branch is for, in any case (a test method's name, say)
     * @return a new unique name
     */
    public String branch(String hint) {
        return withHint(prefix + runId + "_" + SEQUENCE.incrementAndGet(), hint);
    }

    /**
     * The name a spare takes when a test claims it.
     *
     * @param spare the spare's name
     * @param hint what the test is
     * @return the spare's name with the hint, or the spare's own name when the hint is empty
     */
    public String claimed(String spare, String hint) {
        return withHint(spare, hint);
    }

    /**
     * A new migrated base of this run.
     *
     * @return a new unique name
     */
    public String base() {
        return truncate(prefix + runId + "_base_" + SEQUENCE.incrementAndGet());
    }

    /**
     * A new parent built by this run from scripts or an initializer.
     *
     * @param parent the parent's name, as the user wrote it
     * @return a new unique name
     */
    public String parent(String parent) {
        return withHint(prefix + runId + "_parent_" + SEQUENCE.incrementAndGet(), parent);
    }

    /**
     * A base or parent kept across runs, named after what it is made of, or the spare kept of one; it belongs to no
     * run.
     *
     * @param kind {@code base}, {@code parent}, or {@code spare}
     * @param key a short digest of what it is made of, lowercase hex
     * @return the name
     */
    public String kept(String kind, String key) {
        return truncate(prefix + kind + "_" + key);
    }

    /**
     * The run that created {@code name}, when it has the form of a run's name with this prefix.
     *
     * @param name any name
     * @return the run id, or empty for kept databases and names the library did not make
     */
    public Optional<String> runOf(String name) {
        if (!name.startsWith(prefix)) {
            return Optional.empty();
        }
        Matcher m = RUN_OWNED.matcher(name.substring(prefix.length()));
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * Words made fit for a name: lowercase letters, digits and single underscores, camel case split.
     *
     * @param hint any text
     * @return the sanitised words, maybe empty
     */
    public static String sanitize(String hint) {
        // Compiled once: a name is made for every test's branch, on the test's thread.
        String words = WORD_START.matcher(hint).replaceAll("$1_$2");
        String s = NOT_NAME.matcher(words.toLowerCase(Locale.ROOT)).replaceAll("_");
        return EDGE_UNDERSCORES.matcher(s).replaceAll("");
    }

    /**
     * A name cut to {@link #MAX_LENGTH} characters, without a trailing underscore.
     *
     * @param name a name of ASCII characters
     * @return the name, at most 63 characters long
     */
    public static String truncate(String name) {
        return name.length() <= MAX_LENGTH
                ? name
                : TRAILING_UNDERSCORES.matcher(name.substring(0, MAX_LENGTH)).replaceAll("");
    }

    private static String withHint(String name, String hint) {
        String suffix = sanitize(hint);
        return truncate(suffix.isEmpty() ? name : name + "_" + suffix);
    }
}
