package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A failure of a {@link BranchProvider}. A configuration error (unknown parent, missing key) is one
 * the user fixes by changing configuration or annotations; the extension reports it as an
 * {@link org.junit.jupiter.api.extension.ExtensionConfigurationException}.
 *
 * <pre>{@code
 * throw ProviderException.configuration("Unknown parent 'stagin'; known parents: staging, template1");
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public class ProviderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Whether the user fixes this failure by changing configuration or annotations. */
    private final boolean configurationError;

    /**
     * A failure of the provider or its server.
     *
     * @param message what failed, without secrets
     * @param cause the cause, or {@code null}
     */
    public ProviderException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private ProviderException(String message, Throwable cause, boolean configurationError) {
        super(message, cause);
        this.configurationError = configurationError;
    }

    /**
     * A configuration error: the message says what to change.
     *
     * @param message what is wrong and what to change
     * @return the exception
     */
    public static ProviderException configuration(String message) {
        return new ProviderException(message, null, true);
    }

    /**
     * Whether the user fixes this by changing configuration or annotations.
     *
     * @return {@code true} for a configuration error
     */
    public boolean isConfigurationError() {
        return configurationError;
    }
}
