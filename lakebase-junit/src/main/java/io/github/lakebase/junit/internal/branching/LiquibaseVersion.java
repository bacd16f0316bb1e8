package io.github.lakebase.junit.internal.branching;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of the Liquibase the library runs, for a changelog's key: {@code build.version} of the {@code
 * liquibase.build.properties} in Liquibase's jar, read once in the JVM. Liquibase's {@code
 * LiquibaseUtil.getBuildVersion()} reads the same file, but publishes its properties before it has loaded them, so
 * that a thread that asks while another loads them is told {@code UNKNOWN} (seen with two threads that read changelogs
 * at a new JVM's start): the key would then differ from one thread to the next.
 *
 * <pre>{@code
 * fingerprint.add("liquibase", LiquibaseVersion.VERSION); // "4.33.0"
 * }</pre>
 */
final class LiquibaseVersion {

    /** The version, {@code UNKNOWN} where the file is missing or has none (as Liquibase says then). */
    static final String VERSION = read();

    private LiquibaseVersion() {}

    /** From where the library looks for Liquibase ({@link Migrations#liquibaseAvailable}). */
    private static String read() {
        Properties build = new Properties();
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream("liquibase.build.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            // as a jar without the file
        }
        return build.getProperty("build.version", "UNKNOWN");
    }
}
