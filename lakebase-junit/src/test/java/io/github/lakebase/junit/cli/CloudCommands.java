package io.github.lakebase.junit.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The command line run in this JVM with a cloud fake's configuration, and what its output says. */
final class CloudCommands {

    private CloudCommands() {}

    record Result(int status, String out, String err) {}

    static Result run(Map<String, String> configuration, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Branches.run(
                List.of(args),
                configuration,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The line of {@code list} for a branch. */
    static String line(String out, String name) {
        return Arrays.stream(out.split("\n"))
                .filter(l -> l.startsWith(name + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + name + " in:\n" + out));
    }

    /** The value after a label of {@code connect}. */
    static String value(String out, String label) {
        return Arrays.stream(out.split("\n"))
                .filter(l -> l.startsWith(label))
                .map(l -> l.substring(label.length()).trim())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " in:\n" + out));
    }
}
