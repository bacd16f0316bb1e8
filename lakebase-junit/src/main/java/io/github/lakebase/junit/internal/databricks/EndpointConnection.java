package io.github.lakebase.junit.internal.databricks;

import com.databricks.sdk.service.postgres.DatabaseCredential;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.EndpointStatusState;
import io.github.lakebase.junit.spi.BranchConnection;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import io.github.lakebase.junit.spi.Redaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How to connect to one branch: the host of its endpoint, the workspace identity as the user, and a
 * database credential as the password, fetched again before it expires so that a pool that lives
 * longer than a credential (an hour) keeps opening connections.
 */
final class EndpointConnection implements BranchConnection {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointConnection.class);
    /** What Lakebase answers to a login while a new branch's role is still being set up. */
    private static final String NOT_YET_AUTHORIZED = "external authorization failed";

    private static final Duration MAX_REFRESH_MARGIN = Duration.ofMinutes(5);

    private final LakebaseApi api;
    private final DatabricksSettings settings;
    private final String branchId;
    private final String identity;
    private volatile String host;
    /** Whether {@link #host} may be out of date: the branch was replaced, and its endpoint with it. */
    private volatile boolean hostReplaced;

    private String token;
    private Instant fetched;
    private Instant expires;

    EndpointConnection(LakebaseApi api, DatabricksSettings settings, String branchId, String identity) {
        this.api = api;
        this.settings = settings;
        this.branchId = branchId;
        this.identity = identity;
    }

    /**
     * Waits until the branch's endpoint has a host and accepts a login; a new branch's first logins may
     * fail with "External authorization failed" for a while, and each retry uses a fresh credential.
     */
    @SuppressWarnings("try") // the resource is opened only to prove a login works
    void awaitReady() {
        Retrying.Waits waits = api.retrying().waits(settings.endpointTimeout());
        String last = "no endpoint yet";
        do {
            if (host == null || hostReplaced) {
                Endpoint endpoint = api.endpoint(branchId).orElse(null);
                last = describe(endpoint);
                if (usable(endpoint)) {
                    host = endpoint.getStatus().getHosts().getHost();
                    hostReplaced = false;
                }
            }
            if (host != null && !hostReplaced) {
                try (Connection ignored = login()) {
                    return;
                } catch (SQLException e) {
                    last = e.getMessage();
                    if (!passing(e)) {
                        throw new ProviderException(
                                "Lakebase: could not log in to branch " + branchId + " at " + Redaction.url(jdbcUrl())
                                        + " as " + identity + ": " + e.getMessage() + hint(e),
                                e);
                    }
                    if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains(NOT_YET_AUTHORIZED)) {
                        forgetCredential();
                    }
                }
            }
        } while (waits.pause("branch " + branchId + " not ready for logins (" + last + ")"));
        throw new ProviderException(
                "Lakebase: branch " + branchId + " did not accept a login within "
                        + ProviderContext.formatDuration(settings.endpointTimeout()) + " (last: " + last + "). Raise "
                        + DatabricksProviderFactory.ENDPOINT_TIMEOUT + " if its endpoint is slow to start.",
                null);
    }

    /**
     * Notes that the branch was replaced: {@link #awaitReady} reads its new endpoint's host, which may
     * differ; until then, connections go to the host known so far.
     */
    void endpointReplaced() {
        hostReplaced = true;
        forgetCredential();
    }

    private Connection login() throws SQLException {
        return BranchConnection.of(jdbcUrl(), username(), password()).open();
    }

    /** Whether a failed first login may succeed if tried again: a role still propagating, a compute waking. */
    private static boolean passing(SQLException e) {
        String state = String.valueOf(e.getSQLState());
        return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains(NOT_YET_AUTHORIZED)
                || state.startsWith("08")
                || state.equals("57P03");
    }

    private String hint(SQLException e) {
        if ("3D000".equals(e.getSQLState())) {
            return ". Name an existing database with " + DatabricksProviderFactory.DATABASE + ".";
        }
        return "";
    }

    private static boolean usable(Endpoint endpoint) {
        if (endpoint == null
                || endpoint.getStatus() == null
                || endpoint.getStatus().getHosts() == null) {
            return false;
        }
        String h = endpoint.getStatus().getHosts().getHost();
        EndpointStatusState state = endpoint.getStatus().getCurrentState();
        return h != null
                && !h.isBlank()
                && (state == null || state == EndpointStatusState.ACTIVE || state == EndpointStatusState.IDLE);
    }

    private static String describe(Endpoint endpoint) {
        if (endpoint == null) {
            return "no endpoint yet";
        }
        return "endpoint "
                + (endpoint.getStatus() == null
                        ? "without status"
                        : endpoint.getStatus().getCurrentState());
    }

    @Override
    public String jdbcUrl() {
        String h = host;
        if (h == null) {
            throw new IllegalStateException("The endpoint of branch " + branchId + " has no host yet");
        }
        return "jdbc:postgresql://" + h + ":" + settings.port() + "/" + settings.database() + "?sslmode="
                + settings.sslMode();
    }

    @Override
    public String username() {
        return identity;
    }

    /** The current credential; a new one when it is close to expiring (checked at login only, by Lakebase). */
    @Override
    public synchronized String password() {
        Instant now = Instant.now();
        if (token == null || now.isAfter(expires.minus(refreshMargin()))) {
            DatabaseCredential credential = api.credential(settings.endpointName(branchId));
            token = credential.getToken();
            fetched = now;
            Instant expiry = LakebaseApi.instant(credential.getExpireTime());
            expires = expiry == null ? now.plus(Duration.ofMinutes(15)) : expiry;
            LOG.debug("New database credential for branch {}, valid until {}", branchId, expires);
        }
        return token;
    }

    /** A quarter of the credential's life, at most five minutes: early enough for a slow login. */
    private Duration refreshMargin() {
        Duration quarter = Duration.between(fetched, expires).dividedBy(4);
        return quarter.compareTo(MAX_REFRESH_MARGIN) > 0 ? MAX_REFRESH_MARGIN : quarter;
    }

    private synchronized void forgetCredential() {
        token = null;
    }

    @Override
    public String toString() {
        return "branch " + branchId + " as " + identity;
    }
}
