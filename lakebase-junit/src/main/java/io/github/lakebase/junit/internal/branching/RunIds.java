package io.github.lakebase.junit.internal.branching;

import java.security.SecureRandom;

/**
 * Run ids: seven random lowercase letters and digits, the first a letter, which every database a run
 * creates carries in its name and comment, so that a later run can tell whether that run is still alive.
 *
 * <pre>{@code
 * String id = RunIds.next();   // "k3x9q2a"
 * }</pre>
 */
final class RunIds {

    private RunIds() {}

    /** A new run id. */
    static String next() {
        SecureRandom random = new SecureRandom();
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder id = new StringBuilder().append(alphabet.charAt(random.nextInt(26)));
        for (int i = 0; i < 6; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }
}
