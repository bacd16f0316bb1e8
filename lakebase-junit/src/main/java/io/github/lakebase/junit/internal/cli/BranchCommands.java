package io.github.lakebase.junit.internal.cli;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.integration.BaseSpec;
import io.github.lakebase.junit.internal.branching.Based;
import io.github.lakebase.junit.internal.branching.BranchService;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.KeptBranch;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.SweepingProvider;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * The verbs of the command line, on any provider, through the engine the tests use: {@code list},
 * {@code connect NAME}, {@code create NAME}, {@code refresh NAME}, {@code drop NAME | --kept |
 * --older-than DURATION} and {@code sweep}. The main class and the Maven plugin are shells around
 * {@link #run}.
 *
 * <pre>{@code
 * int status = BranchCommands.run(List.of("create", "alice", "--from", "staging"), loader, Map.of(), System.out, System.err);
 * }</pre>
 */
public final class BranchCommands {

    static final String USAGE = String.join(
            "\n",
            "Usage: Branches COMMAND",
            "  list                          the library's branches: kept ones with their test, when, size, expiry",
            "  connect NAME [--no-wait]      how to connect to a kept branch, password included; keeps the server",
            "                                up until interrupted",
            "  create NAME [--from PARENT] [--migrations LOCATIONS] [--no-wait]",
            "                                a developer branch, migrated like a test's base; prints the settings",
            "                                spring.datasource.url, .username and .password",
            "  refresh NAME [--no-wait]      forks a developer branch again from its parent's current state, and",
            "                                migrates it again",
            "  drop NAME | --kept [--older-than DURATION] | --older-than DURATION",
            "                                drops a branch, or the branches tests kept (all, or older than 3d, 12h...)",
            "  sweep                         drops what runs that died left behind, and expired kept branches",
            "Configuration as the tests read it: system properties, junit-platform.properties, environment.");

    /** Providers whose branches live in a service: nothing to keep up, {@code connect} returns at once. */
    private static final Set<String> CLOUD = Set.of("databricks", "neon");

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,63}");

    private final Configuration config;
    private final PrintStream out;

    private BranchCommands(Configuration config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** Ends the services the commands of this copy of the library started, and waits for them: {@code Branches.close}. */
    public static void close() {
        BranchService.closeAll();
    }

    /**
     * Runs one command.
     *
     * @param args the verb and its arguments
     * @param loader the project's test class loader, for its configuration, migrations and providers
     * @param overrides configuration parameters that win over the project's, maybe none
     * @param out where results go (passwords only for {@code connect} and {@code create})
     * @param err where errors go
     * @return 0 when done, 1 when it failed, 2 when the command line is wrong
     */
    public static int run(
            List<String> args, ClassLoader loader, Map<String, String> overrides, PrintStream out, PrintStream err) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Configuration config = ProjectConfiguration.read(loader, overrides);
            CommandLine command = CommandLine.parse(args, v -> ProviderContext.parseDuration("--older-than", v));
            new BranchCommands(config, out).run(command);
            return 0;
        } catch (CommandLine.UsageException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (ProviderException e) {
            err.println(e.getMessage());
            return 1;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void run(CommandLine command) {
        switch (command.verb()) {
            case "list" -> list();
            case "connect" -> connect(command);
            case "create" -> create(command);
            case "refresh" -> refresh(command);
            case "drop" -> drop(command);
            case "sweep" -> sweep();
            default -> throw new CommandLine.UsageException("Unknown command '" + command.verb() + "'.");
        }
    }

    private void list() {
        List<BranchCatalog.Entry> entries = catalog().branches();
        if (entries.isEmpty()) {
            out.println("No branches of lakebase-junit on " + provider().describe() + ".");
            return;
        }
        out.println(Listing.table(entries));
    }

    private void connect(CommandLine command) {
        String name = fullName(command.requiredName());
        BranchConnection c = catalog().connect(name);
        out.println("Branch " + name + " on " + provider().describe());
        Listing.connection(out, c);
        stayUp(command, true);
    }

    private void create(CommandLine command) {
        requireDeveloperBranches();
        String name = fullName(command.requiredName());
        if (!NAME.matcher(name).matches()) {
            throw new CommandLine.UsageException("'" + command.requiredName() + "' cannot name a branch: use "
                    + "lowercase letters, digits and underscores (63 at most, with the prefix "
                    + config.branchPrefix() + ").");
        }
        if (catalog().branches().stream().anyMatch(e -> e.name().equals(name))) {
            throw ProviderException.configuration(
                    "A branch named " + name + " exists already: refresh it, or " + "drop it first.");
        }
        fork(name, new BaseSpec(command.from(), migrations(command)), "Created");
        stayUp(command, false);
    }

    private void refresh(CommandLine command) {
        requireDeveloperBranches();
        String name = fullName(command.requiredName());
        KeptBranch kept = catalog().branches().stream()
                .filter(e -> e.name().equals(name))
                .findFirst()
                .flatMap(BranchCatalog.Entry::kept)
                .filter(k -> k.reason() == KeptBranch.Reason.DEVELOPER)
                .orElseThrow(() -> ProviderException.configuration("There is no developer branch named " + name
                        + " to refresh; create it with the create command (list shows the branches)."));
        BaseSpec spec = new BaseSpec(
                command.from().isEmpty() ? kept.parent() : command.from(),
                command.migrations().isEmpty() ? kept.migrations() : command.migrations());
        Based based = BranchService.base(config, spec); // before dropping: a failed build keeps it
        catalog().drop(name);
        fork(name, spec, based, "Refreshed");
        stayUp(command, false);
    }

    /**
     * The migrations to build the branch's base with, as they will be recorded for a refresh: those given,
     * else {@code lakebase.migrations} as configured now, else empty (the project's, found as for a test).
     */
    private List<String> migrations(CommandLine command) {
        if (!command.migrations().isEmpty()) {
            return command.migrations();
        }
        return config.getList(Configuration.MIGRATIONS).stream()
                .map(m -> m.equalsIgnoreCase("none") ? LakebaseBranch.NO_MIGRATIONS : m)
                .toList();
    }

    private void fork(String name, BaseSpec spec, String done) {
        fork(name, spec, BranchService.base(config, spec), done);
    }

    private void fork(String name, BaseSpec spec, Based based, String done) {
        BranchProvider provider = provider();
        BranchConnection c = provider.create(new BranchRequest(name, based.base(), null, BranchProvider.Kind.BRANCH));
        provider.keep(
                name,
                new KeptBranch(
                        KeptBranch.Reason.DEVELOPER,
                        System.getProperty("user.name", ""),
                        based.parent(),
                        spec.migrations()));
        out.println(done + " branch " + name + " from " + based.parent() + ", migrated as a test's base is, on "
                + provider.describe() + ".");
        out.println("spring.datasource.url=" + c.jdbcUrl());
        out.println("spring.datasource.username=" + c.username());
        out.println("spring.datasource.password=" + c.password());
    }

    private void requireDeveloperBranches() {
        if (!catalog().recordsWhyKept()) {
            throw ProviderException.configuration(provider().describe() + " keeps no record with a branch of who "
                    + "made it and from what, so the command line makes no developer branches there: create one "
                    + "with the service's own console or CLI, or use the embedded or postgres provider.");
        }
    }

    private void drop(CommandLine command) {
        if (command.name().isPresent()) {
            String name = fullName(command.name().get());
            catalog().drop(name);
            out.println("Dropped " + name + ".");
            return;
        }
        if (!command.kept() && command.olderThan().isEmpty()) {
            throw new CommandLine.UsageException("'drop' needs a branch's name, --kept or --older-than.");
        }
        Instant cutoff = command.olderThan().map(d -> Instant.now().minus(d)).orElse(Instant.MAX);
        List<String> dropped = catalog().branches().stream()
                .filter(e -> e.kind().equals("kept")
                        && e.kept()
                                .map(k -> k.reason() != KeptBranch.Reason.DEVELOPER)
                                .orElse(true)) // a cloud service records no reason
                .filter(e -> e.since().orElse(Instant.EPOCH).isBefore(cutoff))
                .map(BranchCatalog.Entry::name)
                .toList();
        dropped.forEach(catalog()::drop);
        out.println(dropped.isEmpty() ? "No kept branch to drop." : "Dropped " + String.join(", ", dropped) + ".");
    }

    private void sweep() {
        if (!(provider() instanceof SweepingProvider sweeping)) {
            out.println(provider().describe() + " has nothing to sweep: its branches expire by themselves.");
            return;
        }
        List<String> swept = sweeping.sweep();
        out.println(swept.isEmpty() ? "Nothing to sweep." : "Swept " + String.join(", ", swept) + ".");
    }

    /**
     * Keeps this JVM, and with it an embedded server, up until interrupted: always for {@code connect}, and
     * after {@code create} and {@code refresh} on the embedded provider, whose server would otherwise stop
     * (and take another port at its next start). {@code --no-wait} returns at once.
     */
    private void stayUp(CommandLine command, boolean always) {
        if (!(always || config.providerId().equals("embedded"))
                || CLOUD.contains(config.providerId())) { // no server of ours to keep up
            return;
        }
        if (command.noWait()) {
            if (config.providerId().equals("embedded")) {
                out.println(
                        "The embedded server stops as this command returns (--no-wait), unless another JVM uses it: "
                                + "the URL above works only while a test run or another command keeps the server up.");
            }
            return;
        }
        out.println("The server stays up until you interrupt this command (Ctrl+C); tests run meanwhile share it.");
        out.flush();
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String fullName(String name) {
        String prefix = config.branchPrefix();
        String normalizedPrefix = provider().normalizeName(prefix + "a"); // a cloud id's form: lbj- for lbj_
        normalizedPrefix = normalizedPrefix.substring(0, normalizedPrefix.length() - 1);
        boolean prefixed = name.startsWith(prefix) || name.startsWith(normalizedPrefix);
        return provider().normalizeName(prefixed ? name : prefix + name);
    }

    private BranchProvider provider() {
        return BranchService.provider(config);
    }

    private BranchCatalog catalog() {
        if (provider() instanceof BranchCatalog catalog) {
            return catalog;
        }
        throw ProviderException.configuration("lakebase.provider=" + config.providerId() + " ("
                + provider().describe() + ") cannot list, reach or drop branches outside a test run; the embedded "
                + "and postgres providers can.");
    }
}
