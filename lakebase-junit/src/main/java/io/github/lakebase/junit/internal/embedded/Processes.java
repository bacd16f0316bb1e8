package io.github.lakebase.junit.internal.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the library needs to know about processes it did not start: whether they still run.
 *
 * <pre>{@code
 * boolean alive = ProcessHandle.of(pid).map(Processes::running).orElse(false);
 * }</pre>
 */
public final class Processes {

    private Processes() {}

    /**
     * Whether {@code process} runs. An exited process that nobody has reaped yet (a zombie) does not:
     * orphans are reaped by init, and some containers' init never reaps them.
     *
     * @param process any process
     * @return {@code true} while it runs
     */
    public static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return process.isAlive(); // no /proc (macOS), or gone meanwhile
        }
    }
}
