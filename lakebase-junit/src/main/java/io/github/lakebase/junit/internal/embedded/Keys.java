package io.github.lakebase.junit.internal.embedded;

/**
 * The configuration keys of the embedded server, for the messages that say which one to change; the
 * provider factory reads them.
 *
 * <pre>{@code
 * throw ProviderException.configuration("... Set " + Keys.DATA_DIRECTORY + " to ...");
 * }</pre>
 */
final class Keys {

    static final String DATA_DIRECTORY = "lakebase.embedded.data-directory";
    /** Where the binaries and temporary data directories go, under {@code <java.io.tmpdir>/lakebase-junit}. */
    static final String TMPDIR = "java.io.tmpdir";

    private Keys() {}
}
