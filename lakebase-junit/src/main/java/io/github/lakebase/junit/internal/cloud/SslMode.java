package io.github.lakebase.junit.internal.cloud;

import java.util.Locale;

/**
 * The {@code sslmode} values of the PostgreSQL JDBC driver, for the cloud providers' connections.
 *
 * <pre>{@code
 * String mode = SslMode.VERIFY_FULL.jdbcValue();   // "verify-full"
 * }</pre>
 */
public enum SslMode {
    DISABLE,
    ALLOW,
    PREFER,
    REQUIRE,
    VERIFY_CA,
    VERIFY_FULL;

    /** The value as the driver's {@code sslmode} parameter takes it. */
    public String jdbcValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
