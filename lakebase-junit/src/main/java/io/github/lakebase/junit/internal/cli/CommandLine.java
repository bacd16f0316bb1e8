package io.github.lakebase.junit.internal.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The words of one command: its verb, its name argument and its options, for example {@code create alice
 * --from staging --migrations db/migration,db/seed}.
 *
 * @param verb the first word
 * @param name the argument after the verb, when one is given
 * @param from {@code --from}, else empty
 * @param migrations {@code --migrations}, comma-separated or repeated, else empty
 * @param kept {@code --kept}
 * @param olderThan {@code --older-than}, when given
 * @param noWait {@code --no-wait}: return once done instead of keeping the server up
 */
record CommandLine(
        String verb,
        Optional<String> name,
        String from,
        List<String> migrations,
        boolean kept,
        Optional<Duration> olderThan,
        boolean noWait) {

    /**
     * Reads the words.
     *
     * @throws UsageException when a word is unknown or an option lacks its value
     */
    static CommandLine parse(List<String> args, java.util.function.Function<String, Duration> durations) {
        if (args.isEmpty()) {
            throw new UsageException("No command given.");
        }
        String verb = args.get(0);
        String name = null;
        String from = "";
        List<String> migrations = new ArrayList<>();
        boolean kept = false;
        Duration olderThan = null;
        boolean noWait = false;
        for (int i = 1; i < args.size(); i++) {
            String word = args.get(i);
            switch (word) {
                case "--from" -> from = value(args, ++i, word);
                case "--migrations" -> {
                    for (String m : value(args, ++i, word).split(",")) {
                        if (!m.isBlank()) {
                            migrations.add(m.trim());
                        }
                    }
                }
                case "--kept" -> kept = true;
                case "--older-than" -> olderThan = durations.apply(value(args, ++i, word));
                case "--no-wait" -> noWait = true;
                default -> {
                    if (word.startsWith("--") || name != null) {
                        throw new UsageException("Unknown argument '" + word + "'.");
                    }
                    name = word;
                }
            }
        }
        return new CommandLine(
                verb,
                Optional.ofNullable(name),
                from,
                List.copyOf(migrations),
                kept,
                Optional.ofNullable(olderThan),
                noWait);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new UsageException(option + " needs a value.");
        }
        return args.get(i);
    }

    /** The name argument. */
    String requiredName() {
        return name.orElseThrow(() -> new UsageException("'" + verb + "' needs the name of a branch."));
    }

    /** A command line that cannot be run as written. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
