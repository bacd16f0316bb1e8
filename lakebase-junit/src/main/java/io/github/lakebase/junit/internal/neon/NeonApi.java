package io.github.lakebase.junit.internal.neon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls the provider makes to the Neon API v2, each named after its operation in Neon's OpenAPI
 * description ({@code createProjectBranch}, {@code getProjectOperation}, ...), with the operations a change
 * starts polled until they finish.
 */
final class NeonApi {

    private static final Logger LOG = LoggerFactory.getLogger(NeonApi.class);

    private final NeonHttp http;
    private final NeonSettings settings;
    private final String project;
    /** How many deletions of branches this client began. */
    private final AtomicLong deletionsBegun = new AtomicLong();
    /** How many deletions of branches this client has under way. */
    private final AtomicInteger deletionsUnderWay = new AtomicInteger();

    NeonApi(NeonHttp http, NeonSettings settings) {
        this.http = http;
        this.settings = settings;
        this.project = "/projects/" + settings.project();
    }

    NeonHttp http() {
        return http;
    }

    /**
     * A branch as the API shows it ({@code Branch}): its id ({@code br-...}), name, parent, whether it is
     * the default or protected, its times, its state, and its {@code logical_size} in bytes (-1 when not told).
     */
    record NeonBranch(
            String id,
            String name,
            String parentId,
            boolean isDefault,
            boolean isProtected,
            Instant createdAt,
            Instant updatedAt,
            Instant expiresAt,
            String state,
            long logicalSize) {

        static NeonBranch of(JsonNode b) {
            return new NeonBranch(
                    b.path("id").asText(),
                    b.path("name").asText(),
                    b.hasNonNull("parent_id") ? b.get("parent_id").asText() : null,
                    b.path("default").asBoolean(false),
                    b.path("protected").asBoolean(false),
                    time(b, "created_at"),
                    time(b, "updated_at"),
                    time(b, "expires_at"),
                    b.path("current_state").asText(""),
                    b.path("logical_size").asLong(-1));
        }

        private static Instant time(JsonNode b, String field) {
            return b.hasNonNull(field) ? Instant.parse(b.get(field).asText()) : null;
        }
    }

    /** How to connect: a JDBC URL, the role and its password. */
    record Login(String jdbcUrl, String user, String password) {}

    /** The most branches the project may have ({@code Project.owner.branches_limit}), or 0 when not told. */
    int branchLimit() {
        return http.call("reading project " + settings.project(), "GET", project, null)
                .path("project")
                .path("owner")
                .path("branches_limit")
                .asInt(0);
    }

    /** How many branches the project has ({@code countProjectBranches}). */
    int branchCount() {
        return http.call("counting the branches of " + settings.project(), "GET", project + "/branches/count", null)
                .path("count")
                .asInt(0);
    }

    /** Every branch of the project ({@code listProjectBranches}), all pages of its cursor. */
    List<NeonBranch> branches() {
        List<NeonBranch> all = new ArrayList<>();
        String cursor = null;
        do {
            String path = project + "/branches?limit=100" + (cursor == null ? "" : "&cursor=" + encode(cursor));
            JsonNode page = http.call("listing the branches of " + settings.project(), "GET", path, null);
            page.path("branches").forEach(b -> all.add(NeonBranch.of(b)));
            String next = page.path("pagination").path("next").asText("");
            cursor = next.isEmpty() || page.path("branches").isEmpty() ? null : next;
        } while (cursor != null);
        return all;
    }

    /** A branch by id ({@code getProjectBranch}), or empty when there is none. */
    Optional<NeonBranch> branch(String id) {
        return http.callUnlessNotFound("reading branch " + id, "GET", project + "/branches/" + id, null)
                .map(answer -> NeonBranch.of(answer.path("branch")));
    }

    /** The branch of that exact name, if any. */
    Optional<NeonBranch> branchNamed(String name) {
        String path = project + "/branches?search=" + encode(name);
        List<NeonBranch> found = new ArrayList<>();
        http.call("looking up branch " + name, "GET", path, null)
                .path("branches")
                .forEach(b -> found.add(NeonBranch.of(b)));
        return found.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /**
     * The body of {@code createProjectBranch} ({@code BranchCreateRequest}): the parent by id, the name, the
     * point in time ({@code parent_timestamp}), the expiry ({@code expires_at}, at a precision of seconds),
     * and a read-write endpoint to connect to.
     */
    ObjectNode createRequest(String name, String parentId, Instant asOf, Instant expiresAt) {
        ObjectNode body = NeonHttp.object();
        ObjectNode branch = body.putObject("branch");
        branch.put("name", name);
        branch.put("parent_id", parentId);
        if (asOf != null) {
            branch.put("parent_timestamp", asOf.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        branch.put("expires_at", seconds(expiresAt));
        body.putArray("endpoints").addObject().put("type", "read_write");
        return body;
    }

    /** Starts a creation: one attempt, whose failure the caller judges. */
    NeonBranch startCreate(ObjectNode request) {
        JsonNode answer = http.once("POST", project + "/branches", request);
        NeonBranch created = NeonBranch.of(answer.path("branch"));
        awaitOperations(answer, "creating branch " + created.name());
        return created;
    }

    /** Waits until a branch whose creation answer was lost has no operation running: it is ready then. */
    void awaitReady(NeonBranch branch) {
        NeonHttp.Waits waits = http.waits(settings.operationTimeout());
        while (!"ready".equals(branch(branch.id()).map(NeonBranch::state).orElse("gone"))) {
            if (!waits.pause("branch " + branch.name() + " is not ready yet")) {
                throw timeout("creating branch " + branch.name());
            }
        }
    }

    /**
     * Deletes a branch ({@code deleteProjectBranch}); one that is gone already (404, or 204 "if the branch
     * doesn't exist or has already been deleted") is fine, and 423 while another operation runs on it is
     * retried.
     */
    void deleteBranch(String id) {
        String what = "deleting branch " + id;
        deletionsUnderWay.incrementAndGet(); // before the count of those begun: see deletionMark
        deletionsBegun.incrementAndGet();
        try {
            http.callUnlessNotFound(what, "DELETE", project + "/branches/" + id, null)
                    .ifPresent(answer -> awaitOperations(answer, what));
        } finally {
            deletionsUnderWay.decrementAndGet();
        }
    }

    /**
     * A mark of this client's deletions so far, for {@link #deletionsSince}. The count of those begun is read
     * before the count of those under way, which a deletion raises in the opposite order, so that a deletion
     * that begins while the mark is taken is in one of the two.
     */
    DeletionMark deletionMark() {
        long begun = deletionsBegun.get();
        return new DeletionMark(begun, deletionsUnderWay.get());
    }

    /**
     * How many of this client's deletions may have lowered the project's branch count since {@code mark}: those
     * under way at the mark and those begun since. An upper bound: a deletion that found nothing, or failed, or
     * whose branch Neon had already stopped counting at the mark, counts too.
     */
    int deletionsSince(DeletionMark mark) {
        return (int) (deletionsBegun.get() - mark.begun()) + mark.underWay();
    }

    /** This client's deletions at a moment: how many had begun, and how many were under way. */
    record DeletionMark(long begun, int underWay) {}

    /**
     * Brings a branch back to the head of another ({@code restoreProjectBranch} with
     * {@code source_branch_id} and neither {@code source_lsn} nor {@code source_timestamp}: "restored to
     * head"). The branch keeps its id and its endpoint.
     */
    void restore(String id, String sourceId) {
        ObjectNode body = NeonHttp.object().put("source_branch_id", sourceId);
        String what = "restoring branch " + id + " from " + sourceId;
        awaitOperations(http.call(what, "POST", project + "/branches/" + id + "/restore", body), what);
    }

    /** Sets when a branch expires ({@code updateProjectBranch} with {@code expires_at}). */
    void setExpiry(String id, Instant expiresAt) {
        ObjectNode body = NeonHttp.object();
        body.putObject("branch").put("expires_at", seconds(expiresAt));
        String what = "setting the expiry of branch " + id;
        awaitOperations(http.call(what, "PATCH", project + "/branches/" + id, body), what);
    }

    /**
     * Sets when a branch expires, unless Neon refuses that expiry (a 400 or 422 answer: an expiry further
     * than the project allows).
     *
     * @return {@code false} when the expiry was refused
     */
    boolean trySetExpiry(String id, Instant expiresAt) {
        try {
            setExpiry(id, expiresAt);
            return true;
        } catch (ProviderException e) {
            if (e.getCause() instanceof NeonHttp.Failure f && (f.status() == 400 || f.status() == 422)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * How to log in to a branch: {@code getConnectionURI} for the configured database and role, on the
     * branch's read-write endpoint; the URI carries the host and the role's password.
     */
    Login login(String branchId) {
        String path = project + "/connection_uri?branch_id=" + encode(branchId) + "&database_name="
                + encode(settings.database()) + "&role_name=" + encode(settings.role());
        String uri = http.call("reading the connection URI of branch " + branchId, "GET", path, null)
                .path("uri")
                .asText();
        URI parsed = URI.create(uri);
        String[] userInfo = parsed.getRawUserInfo() == null
                ? new String[] {""}
                : parsed.getRawUserInfo().split(":", 2);
        String host = parsed.getHost() + (parsed.getPort() > 0 ? ":" + parsed.getPort() : "");
        return new Login(
                "jdbc:postgresql://" + host + parsed.getRawPath() + "?sslmode=" + settings.sslMode(),
                URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8),
                userInfo.length > 1 ? URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8) : "");
    }

    /**
     * Polls every operation an answer lists ({@code OperationsResponse}) with {@code getProjectOperation}
     * until its {@code OperationStatus} is {@code finished} or {@code skipped}; {@code failed}, {@code error}
     * and {@code cancelled} fail the call.
     */
    void awaitOperations(JsonNode answer, String what) {
        NeonHttp.Waits waits = http.waits(settings.operationTimeout());
        for (JsonNode operation : answer.path("operations")) {
            String id = operation.path("id").asText();
            String status = operation.path("status").asText("");
            while (!status.equals("finished") && !status.equals("skipped")) {
                if (status.equals("failed") || status.equals("error") || status.equals("cancelled")) {
                    throw new ProviderException(
                            "Neon: " + what + " failed: operation " + id + " ("
                                    + operation.path("action").asText() + ") ended " + status + ": "
                                    + operation.path("error").asText(""),
                            null);
                }
                if (!waits.pause(what + ": operation " + id + " is " + status)) {
                    throw timeout(what);
                }
                operation = http.call(
                                what + " (polling operation " + id + ")", "GET", project + "/operations/" + id, null)
                        .path("operation");
                status = operation.path("status").asText("");
            }
        }
        LOG.debug("{}: done", what);
    }

    ProviderException timeout(String what) {
        return new ProviderException(
                "Neon: " + what + " did not finish within "
                        + ProviderContext.formatDuration(settings.operationTimeout()) + "; raise "
                        + NeonProviderFactory.OPERATION_TIMEOUT + " if Neon is slow today.",
                null);
    }

    /** An instant as {@code expires_at} takes it: RFC 3339 with a precision of seconds. */
    static String seconds(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
