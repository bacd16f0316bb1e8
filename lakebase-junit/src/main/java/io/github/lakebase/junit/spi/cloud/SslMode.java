package io.github.lakebase.junit.spi.cloud;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * The {@code sslmode} values of the PostgreSQL JDBC driver, for a provider whose connections cross a network:
 * read the setting with {@link io.github.lakebase.junit.spi.ProviderContext#getEnum}, which accepts the
 * driver's spelling ({@code verify-full}) in any case, and put {@link #jdbcValue()} in the JDBC URL.
 *
 * <pre>{@code
 * SslMode mode = context.getEnum("lakebase.mycloud.ssl-mode", SslMode.class, SslMode.REQUIRE, List.of());
 * String url = "jdbc:postgresql://" + host + "/" + database + "?sslmode=" + mode.jdbcValue();
 * }</pre>
 *
 * <p>Immutable, as every enum.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum SslMode {
    /** No TLS. */
    DISABLE,
    /** TLS only when the server insists. */
    ALLOW,
    /** TLS when the server offers it. */
    PREFER,
    /** TLS always, without checking the server's certificate. */
    REQUIRE,
    /** TLS always, with a server certificate signed by a trusted authority. */
    VERIFY_CA,
    /** TLS always, with a trusted server certificate that names the host connected to. */
    VERIFY_FULL;

    /**
     * The value as the driver's {@code sslmode} parameter takes it.
     *
     * @return the lowercase name, with hyphens: {@code verify-full} for {@link #VERIFY_FULL}
     */
    public String jdbcValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
