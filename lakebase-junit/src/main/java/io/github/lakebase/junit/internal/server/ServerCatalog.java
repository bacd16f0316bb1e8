package io.github.lakebase.junit.internal.server;

import static io.github.lakebase.junit.internal.server.Ownership.MARKER;

import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.KeptBranch;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The library's branches on one PostgreSQL server, across runs: what each database's comment
 * ({@link LibraryComment}) says it is, how to reach a kept one, and dropping what nobody uses any more.
 * Kept branches carry why they are kept; one kept for a failed test carries its expiry, after
 * {@code lakebase.kept-ttl}, which a later run's sweep ({@link DeadRuns}) honours.
 */
final class ServerCatalog implements BranchCatalog {

    /** The shortest and longest {@code lakebase.kept-ttl} on a server of one's own. */
    private static final Duration MIN_TTL = Duration.ofMinutes(1);

    private static final Duration MAX_TTL = Duration.ofDays(3650);
    private static final Set<String> LISTED = Set.of("kept", "branch");

    private final AdminSql admin;
    private final ProviderContext context;
    private final Function<String, BranchConnection> connections;

    ServerCatalog(AdminSql admin, ProviderContext context, Function<String, BranchConnection> connections) {
        this.admin = admin;
        this.context = context;
        this.connections = connections;
    }

    /** Records why {@code name} is kept; returns its expiry, for a branch kept for a failed test. */
    Optional<Instant> keep(String name, KeptBranch kept) {
        Instant now = Instant.now();
        Optional<Instant> until = kept.reason() == KeptBranch.Reason.FAILED
                ? Optional.of(now.plus(context.keptTtl(MIN_TTL, MAX_TTL)))
                : Optional.empty();
        String comment = LibraryComment.kept(context.runId(), kept, now, until).text();
        admin.execute("COMMENT ON DATABASE " + AdminSql.quote(name) + " IS " + AdminSql.literal(comment));
        return until;
    }

    @Override
    public List<BranchCatalog.Entry> branches() {
        List<BranchCatalog.Entry> entries = new ArrayList<>();
        for (String[] row : admin.rows(
                "SELECT datname, shobj_description(oid, 'pg_database'), CASE WHEN has_database_privilege(datname, "
                        + "'CONNECT') THEN pg_database_size(oid) ELSE -1 END FROM pg_database WHERE "
                        + "shobj_description(oid, 'pg_database') LIKE ? ORDER BY datname",
                MARKER + " run=%")) {
            if (!row[0].startsWith(context.branchPrefix())) {
                continue;
            }
            LibraryComment.parse(row[1])
                    .filter(c -> LISTED.contains(c.kind()))
                    .ifPresent(c -> entries.add(new BranchCatalog.Entry(
                            row[0],
                            c.run(),
                            c.kind(),
                            c.keptBranch(),
                            c.at(),
                            c.until(),
                            row[2] == null ? -1 : Long.parseLong(row[2]))));
        }
        return entries;
    }

    @Override
    public BranchConnection connect(String name) {
        BranchCatalog.Entry entry = entry(name);
        if (entry.kept().isEmpty()) {
            throw ProviderException.configuration("The branch '" + name + "' is not kept: it belongs to run "
                    + entry.run() + ", which drops it when its test ends. Only a kept branch (CleanupMode.NEVER, "
                    + "ON_SUCCESS after a failure, or a developer branch) can be reached after its run.");
        }
        return connections.apply(name);
    }

    @Override
    public void drop(String name) {
        BranchCatalog.Entry entry = entry(name);
        if (entry.kept().isEmpty() && (entry.run().equals(context.runId()) || DeadRuns.isAlive(admin, entry.run()))) {
            throw ProviderException.configuration("Refusing to drop '" + name + "': run " + entry.run()
                    + " is still alive and uses it. It drops it itself when its test ends.");
        }
        admin.dropDatabase(name);
    }

    private BranchCatalog.Entry entry(String name) {
        return branches().stream()
                .filter(e -> e.name().equals(name))
                .findFirst()
                .orElseThrow(() -> ProviderException.configuration("No branch of lakebase-junit is named '" + name
                        + "' on " + admin.describe() + ". The library reaches and drops only branches it created; "
                        + "list them with the list command."));
    }
}
