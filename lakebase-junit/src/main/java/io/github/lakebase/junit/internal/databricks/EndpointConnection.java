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

    /** The SQLSTATE of a refused password (PostgreSQL's {@code invalid_password}), an expired credential's too. */
    private static final String INVALID_PASSWORD = "28P01";

    private static final Duration MAX_REFRESH_MARGIN = Duration.ofMinutes(5);

    private final LakebaseApi api;
    private final DatabricksSettings settings;
    private final String branchId;
    private final String identity;
    private volatile String host;
    /** Whether {@link #host} may be out of date: the branch was replaced, and its endpoint with it. */
    private volatile boolean hostReplaced;

    /** The current database credential; null until the first login, and after it is forgotten. */
    private Credential credential;

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
                try (Connection ignored = open()) {
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

    /**
     * Opens a connection with the current credential. A login refused as {@code 28P01} (invalid password) while
     * that credential is due for renewal, or past it, is tried once more with a fresh credential: the credential
     * ran out on its way to the server, which checks it at login only.
     *
     * @throws SQLException when the connection cannot be opened, or the fresh credential is refused too
     */
    @Override
    public Connection open() throws SQLException {
        Credential used = current();
        try {
            return BranchConnection.of(jdbcUrl(), username(), used.token()).open();
        } catch (SQLException e) {
            if (!INVALID_PASSWORD.equals(e.getSQLState()) || !replaceIfDue(used)) {
                throw e;
            }
            LOG.debug("A login to branch {} was refused as its credential ran out; trying a fresh one", branchId);
            Credential fresh;
            try {
                fresh = current();
            } catch (RuntimeException r) { // no fresh credential: the refusal is what the caller is told
                e.addSuppressed(r);
                throw e;
            }
            return BranchConnection.of(jdbcUrl(), username(), fresh.token()).open();
        }
    }

    /**
     * Whether a login refused with {@code used} may pass with the credential the next login gets: another login
     * has replaced it already, or it is due for renewal and is forgotten here.
     */
    private synchronized boolean replaceIfDue(Credential used) {
        if (credential != used) {
            return true;
        }
        if (!used.due(Instant.now())) {
            return false;
        }
        credential = null;
        return true;
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

    /** The current credential's token; a new one when it is close to expiring (checked at login only, by Lakebase). */
    @Override
    public String password() {
        return current().token();
    }

    private synchronized Credential current() {
        Instant now = Instant.now();
        if (credential == null || credential.due(now)) {
            DatabaseCredential fresh = api.credential(settings.endpointName(branchId));
            Instant expiry = LakebaseApi.instant(fresh.getExpireTime());
            credential =
                    new Credential(fresh.getToken(), now, expiry == null ? now.plus(Duration.ofMinutes(15)) : expiry);
            LOG.debug("New database credential for branch {}, valid until {}", branchId, credential.expires());
        }
        return credential;
    }

    private synchronized void forgetCredential() {
        credential = null;
    }

    /** A database credential: its token, when it was fetched, and when Lakebase stops accepting it. */
    private record Credential(String token, Instant fetched, Instant expires) {

        /** Whether it is due for renewal at {@code now}: within a quarter of its life of expiring, at most 5 min. */
        boolean due(Instant now) {
            Duration quarter = Duration.between(fetched, expires).dividedBy(4);
            Duration margin = quarter.compareTo(MAX_REFRESH_MARGIN) > 0 ? MAX_REFRESH_MARGIN : quarter;
            return now.isAfter(expires.minus(margin));
        }
    }

    @Override
    public String toString() {
        return "branch " + branchId + " as " + identity;
    }
}
