package io.github.lakebase.junit.internal.server;

import static io.github.lakebase.junit.internal.server.Ownership.MARKER;

import io.github.lakebase.junit.spi.KeptBranch;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The comment on a database of a run, read and written: its run, its kind, and for a kept branch why it is
 * kept, when, until when, and what it came from, each value URL-encoded (but for {@code :,#/$()}), for
 * example {@code lakebase-junit
 * run=k3x9a1b kind=kept reason=failed at=2026-11-30T12:00:00Z until=2026-12-07T12:00:00Z
 * owner=com.example.OrderTests%23refund from=template1 migrations=}.
 *
 * @param run the run that created or kept it
 * @param kind {@code branch}, {@code spare}, {@code base}, {@code parent} or {@code kept}
 * @param fields the fields after the kind, in order
 */
record LibraryComment(String run, String kind, Map<String, String> fields) {

    private static final Pattern FORM = Pattern.compile(Pattern.quote(MARKER) + " run=([a-z0-9]+) kind=([a-z]+)( .*)?");

    /** The comment of a branch kept for {@code kept}, from now on, expiring at {@code until} when it does. */
    static LibraryComment kept(String run, KeptBranch kept, Instant now, Optional<Instant> until) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("reason", kept.reason().name().toLowerCase(Locale.ROOT));
        fields.put("at", now.toString());
        until.ifPresent(u -> fields.put("until", u.toString()));
        fields.put("owner", kept.owner());
        fields.put("from", kept.parent());
        fields.put("migrations", String.join(",", kept.migrations()));
        return new LibraryComment(run, "kept", fields);
    }

    /** The comment, or empty when {@code text} is not one of the library's run comments. */
    static Optional<LibraryComment> parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        if (m.group(3) != null) {
            for (String pair : m.group(3).trim().split(" ")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fields.put(
                            pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.of(new LibraryComment(m.group(1), m.group(2), fields));
    }

    /** The comment's text. */
    String text() {
        StringBuilder text = new StringBuilder(MARKER + " run=" + run + " kind=" + kind);
        fields.forEach((k, v) -> text.append(' ').append(k).append('=').append(encode(v)));
        return text.toString();
    }

    /**
     * A value without spaces, readable: URL-encoded, but for the characters that times, class names and
     * locations are made of, which decode as themselves.
     */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("%3A", ":")
                .replace("%2C", ",")
                .replace("%23", "#")
                .replace("%2F", "/")
                .replace("%24", "$")
                .replace("%28", "(")
                .replace("%29", ")");
    }

    /** Why the branch is kept, when it is; a branch kept before reasons were recorded counts as NEVER. */
    Optional<KeptBranch> keptBranch() {
        if (!kind.equals("kept")) {
            return Optional.empty();
        }
        KeptBranch.Reason reason = Arrays.stream(KeptBranch.Reason.values())
                .filter(r -> r.name().equalsIgnoreCase(fields.getOrDefault("reason", "never")))
                .findFirst()
                .orElse(KeptBranch.Reason.NEVER);
        String migrations = fields.getOrDefault("migrations", "");
        return Optional.of(new KeptBranch(
                reason,
                fields.getOrDefault("owner", ""),
                fields.getOrDefault("from", ""),
                migrations.isEmpty() ? List.of() : List.of(migrations.split(","))));
    }

    /** When it was kept, if recorded. */
    Optional<Instant> at() {
        return instant("at");
    }

    /** When it expires, if it does. */
    Optional<Instant> until() {
        return instant("until");
    }

    /** Whether it is a kept branch whose expiry has passed at {@code now}. */
    boolean expiredAt(Instant now) {
        return kind.equals("kept") && until().filter(now::isAfter).isPresent();
    }

    private Optional<Instant> instant(String field) {
        try {
            return Optional.ofNullable(fields.get(field)).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
