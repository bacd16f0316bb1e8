package io.github.lakebase.junit.internal.embedded;

/**
 * The configuration keys of the embedded server, for the messages that say which one to change; the
 * provider factory reads them.
 *
 * <pre>{@code
 * throw ProviderException.configuration("... Set " + Keys.BINARIES_DIRECTORY + " to ...");
 * }</pre>
 */
final class Keys {

    static final String DATA_DIRECTORY = "lakebase.embedded.data-directory";
    static final String CACHE_DIRECTORY = "lakebase.embedded.cache-directory";
    static final String BINARIES_DIRECTORY = "lakebase.embedded.binaries-directory";
    static final String OS_USER = "lakebase.embedded.os-user";
    static final String CACHE_MAX_AGE = "lakebase.embedded.cache-max-age";
    static final String CACHE_MAX_SIZE = "lakebase.embedded.cache-max-size";
    static final String LINGER = "lakebase.embedded.linger";

    private Keys() {}
}
