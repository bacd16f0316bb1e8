package io.github.lakebase.junit.internal.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The OS user this JVM runs as: its id, to name a directory of its own in a place all users share, and
 * whether a directory there is its own.
 *
 * <pre>{@code
 * Path mine = Path.of("/var/tmp", "lakebase-junit-" + ProcessUser.id());
 * }</pre>
 */
final class ProcessUser {

    private ProcessUser() {}

    /** The numeric user id where the system tells it ({@code /proc}), else the user name. */
    static String id() {
        try {
            return Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return System.getProperty("user.name");
        }
    }

    /** Whether {@code path} is a real directory (no link) that this JVM's user owns. */
    static boolean owns(Path path) {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
