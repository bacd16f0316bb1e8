package io.github.lakebase.junit.internal.neon;

import io.github.lakebase.junit.spi.BranchProvider;
import io.github.lakebase.junit.spi.BranchProviderFactory;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.util.Optional;

/**
 * {@code lakebase.provider=neon}: every test gets a real copy-on-write branch of a Neon project, through
 * Neon's public API v2 (Java's own HTTP client, JSON through Jackson), authenticated with an API key from
 * the environment variable {@code NEON_API_KEY}.
 *
 * <p>Jackson ({@code com.fasterxml.jackson.core:jackson-databind}) is an optional dependency of the
 * library: this class never touches its classes unless it is on the class path, and says which dependency
 * to add when it is not.
 *
 * <pre>{@code
 * # src/test/resources/junit-platform.properties
 * lakebase.provider=neon
 * lakebase.neon.project=still-sun-123456
 * # and NEON_API_KEY in the environment
 * }</pre>
 */
public final class NeonProviderFactory implements BranchProviderFactory {

    /** The id of the Neon project whose branches are forked; required. */
    public static final String PROJECT = "lakebase.neon.project";
    /** The branch (name or id) forked when neither the annotation nor {@code lakebase.from} names one. */
    public static final String DEFAULT_PARENT = "lakebase.neon.default-parent";
    /** The expiry of every branch, extended while the run lives. */
    public static final String BRANCH_TTL = "lakebase.neon.branch-ttl";
    /** The longest wait for an operation, and for retries of a throttled, locked or failed call. */
    public static final String OPERATION_TIMEOUT = "lakebase.neon.operation-timeout";
    /** The longest wait for a new branch's endpoint to accept a login. */
    public static final String ENDPOINT_TIMEOUT = "lakebase.neon.endpoint-timeout";
    /** The most branches the run holds at once. */
    public static final String MAX_BRANCHES = "lakebase.neon.max-branches";
    /** The longest wait of a test for a free branch. */
    public static final String SLOT_TIMEOUT = "lakebase.neon.slot-timeout";
    /** The first wait between polls of an operation and before a retry; it grows up to ten times. */
    public static final String POLL_INTERVAL = "lakebase.neon.poll-interval";
    /** The database to connect to in each branch. */
    public static final String DATABASE = "lakebase.neon.database";
    /** The role to connect as. */
    public static final String ROLE = "lakebase.neon.role";
    /** The JDBC {@code sslmode} of connections to the endpoints. */
    public static final String SSL_MODE = "lakebase.neon.sslmode";
    /** The base URL of the API. */
    public static final String API_URL = "lakebase.neon.api-url";
    /** The API key, when not in {@code NEON_API_KEY} (for example from a CI secret passed as -D). */
    public static final String API_KEY = "lakebase.neon.api-key";
    /** The environment variable that holds the API key. */
    public static final String API_KEY_VARIABLE = "NEON_API_KEY";

    /** The dependency to add, as a user writes it. */
    static final String JACKSON_DEPENDENCY = "com.fasterxml.jackson.core:jackson-databind";

    private static final String JACKSON_CLASS = "com.fasterxml.jackson.databind.ObjectMapper";

    @Override
    public String id() {
        return "neon";
    }

    @Override
    public Optional<String> unavailableReason(ProviderContext context) {
        if (!jacksonPresent()) {
            return Optional.of(missingJackson());
        }
        if (apiKey(context).isEmpty()) {
            return Optional.of(missingKey());
        }
        return Optional.empty();
    }

    @Override
    public BranchProvider create(ProviderContext context) {
        if (!jacksonPresent()) {
            throw ProviderException.configuration(missingJackson());
        }
        String key = apiKey(context).orElseThrow(() -> ProviderException.configuration(missingKey()));
        return NeonProvider.open(context, key);
    }

    /** The API key: {@code lakebase.neon.api-key}, else {@code NEON_API_KEY}. */
    static Optional<String> apiKey(ProviderContext context) {
        return context.get(API_KEY)
                .or(() -> Optional.ofNullable(System.getenv(API_KEY_VARIABLE)))
                .map(String::trim)
                .filter(k -> !k.isEmpty());
    }

    private static String missingKey() {
        return "lakebase.provider=neon found no Neon API key: set the environment variable " + API_KEY_VARIABLE
                + " (create a key in the Neon Console under Account settings, API keys), or pass it as -D" + API_KEY
                + "=... from a CI secret.";
    }

    private static String missingJackson() {
        return "lakebase.provider=neon needs Jackson on the test class path: add " + JACKSON_DEPENDENCY
                + " (2.15 or later) as a test dependency.";
    }

    private static boolean jacksonPresent() {
        try {
            Class.forName(JACKSON_CLASS, false, NeonProviderFactory.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
