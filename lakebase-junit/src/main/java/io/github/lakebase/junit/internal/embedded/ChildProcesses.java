package io.github.lakebase.junit.internal.embedded;

import java.util.List;
import java.util.Map;

/**
 * How the library starts every program (initdb, the server and its watchdog, pg_ctl, setpriv or runuser,
 * mkfifo, id, cp): with the JVM's environment less its locale ({@code LANG}, {@code LANGUAGE},
 * {@code LC_*}), and {@code LC_ALL=C}. A locale the machine has not generated stops initdb ("invalid
 * locale settings"), and one that has been changes the language of the messages the library reads; the
 * cluster's own locale is set on initdb's command line, never taken from the environment.
 *
 * <pre>{@code
 * Process p = ChildProcesses.builder(List.of("id", "-u", "postgres")).start();
 * }</pre>
 */
final class ChildProcesses {

    private ChildProcesses() {}

    /** A process builder for {@code command}, its environment without the JVM's locale. */
    static ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(ChildProcesses::choosesLocale);
        environment.put("LC_ALL", "C");
        return builder;
    }

    /** A process builder for {@code command}, as {@link #builder(List)}. */
    static ProcessBuilder builder(String... command) {
        return builder(List.of(command));
    }

    private static boolean choosesLocale(String variable) {
        return variable.equals("LANG") || variable.equals("LANGUAGE") || variable.startsWith("LC_");
    }
}
