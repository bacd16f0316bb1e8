package io.github.lakebase.junit.internal.cli;

import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.KeptBranch;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** What the command line prints: the table of branches, and how to connect to one. */
final class Listing {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private Listing() {}

    /** One line per branch, under a header: name, why it is kept, its test, when, size, expiry. */
    static String table(List<BranchCatalog.Entry> entries) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "KEPT", "TEST OR OWNER", "SINCE", "SIZE", "EXPIRES"});
        for (BranchCatalog.Entry e : entries) {
            rows.add(new String[] {
                e.name(),
                e.kept()
                        .map(k -> k.reason().name().toLowerCase(Locale.ROOT))
                        .orElse(e.kind().equals("kept") ? "yes" : "no (" + e.kind() + " of run " + e.run() + ")"),
                e.kept().map(KeptBranch::owner).filter(o -> !o.isEmpty()).orElse("-"),
                time(e.since()),
                e.bytes() < 0 ? "-" : (e.bytes() + (1 << 19)) / (1 << 20) + " MB",
                e.kept().isPresent() && e.expires().isEmpty() ? "never" : time(e.expires())
            });
        }
        int[] widths = new int[6];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        StringBuilder text = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(String.format("%-" + (widths[i] + 2) + "s", r[i]));
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString().stripTrailing();
    }

    private static String time(Optional<Instant> at) {
        return at.map(i -> i.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("-");
    }

    /** The JDBC URL, user, password and a {@code psql} command for {@code c}. */
    static void connection(PrintStream out, BranchConnection c) {
        out.println("JDBC URL: " + c.jdbcUrl());
        out.println("User:     " + c.username());
        out.println("Password: " + c.password());
        psql(c).ifPresent(command -> out.println("psql:     " + command));
    }

    /** A {@code psql} command for a {@code jdbc:postgresql://host:port/database} URL. */
    static Optional<String> psql(BranchConnection c) {
        if (!c.jdbcUrl().startsWith("jdbc:postgresql://")) {
            return Optional.empty();
        }
        URI uri = URI.create(c.jdbcUrl().substring("jdbc:".length()));
        if (uri.getHost() == null || uri.getPath() == null) {
            return Optional.empty();
        }
        return Optional.of("PGPASSWORD=" + quote(c.password()) + " psql -h " + uri.getHost() + " -p "
                + (uri.getPort() < 0 ? 5432 : uri.getPort()) + " -U " + quote(c.username()) + " -d "
                + quote(uri.getPath().substring(1)));
    }

    private static String quote(String word) {
        return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
