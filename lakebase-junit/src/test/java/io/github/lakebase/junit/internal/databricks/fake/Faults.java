package io.github.lakebase.junit.internal.databricks.fake;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What goes wrong in a {@link FakeLakebase}, on demand: answers replaced by errors (throttling,
 * server errors), answers lost after the work was done, slow operations and endpoints, logins refused
 * while a new branch's role propagates, a branch limit, a cap on expiry, short-lived credentials. It
 * also counts the calls it sees.
 *
 * <pre>{@code
 * fake.faults().throttle(Call.CREATE, 2).operationDelay(Duration.ofMillis(300));
 * }</pre>
 */
public final class Faults {

    /** The calls of the API, as faults and counters name them. */
    public enum Call {
        CREATE,
        GET,
        LIST,
        UPDATE,
        DELETE,
        ENDPOINT,
        OPERATION,
        CREDENTIAL,
        ME,
        /** The SDK's discovery of the workspace's configuration ({@code /.well-known/databricks-config}). */
        CONFIG
    }

    /** An injected answer: an error, or (status 0) the real answer lost on its way back. */
    record Failure(int status, String code, String message) {
        boolean lost() {
            return status == 0;
        }
    }

    private final Map<Call, Deque<Failure>> failures = new EnumMap<>(Call.class);
    private final Map<Call, AtomicInteger> calls = new EnumMap<>(Call.class);
    private final AtomicInteger refusedLogins = new AtomicInteger();
    private final Map<Call, AtomicInteger> notReady = new EnumMap<>(Call.class);
    private volatile Duration operationDelay = Duration.ZERO;
    private volatile Duration endpointDelay = Duration.ZERO;
    private volatile Duration authorizationDelay = Duration.ZERO;
    private volatile Duration credentialLifetime = Duration.ofHours(1);
    private final AtomicInteger expiredCredentials = new AtomicInteger();
    private volatile Duration maxTtl = Duration.ofDays(30);
    private volatile int branchLimit = Integer.MAX_VALUE;
    private volatile boolean expireBranches = true;
    private volatile ApiError branchLimitError = branchLimitError(400, "RESOURCE_EXHAUSTED");

    Faults() {
        for (Call call : Call.values()) {
            failures.put(call, new ArrayDeque<>());
            calls.put(call, new AtomicInteger());
            notReady.put(call, new AtomicInteger());
        }
    }

    /** The next {@code times} calls of {@code call} answer 429 REQUEST_LIMIT_EXCEEDED. */
    public Faults throttle(Call call, int times) {
        return fail(call, times, new Failure(429, "REQUEST_LIMIT_EXCEEDED", "Too many requests; slow down"));
    }

    /** The next {@code times} calls of {@code call} answer 503 TEMPORARILY_UNAVAILABLE, without doing anything. */
    public Faults unavailable(Call call, int times) {
        return fail(call, times, new Failure(503, "TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable"));
    }

    /** The next {@code times} calls of {@code call} answer 500 INTERNAL_ERROR, without doing anything. */
    public Faults internalErrors(Call call, int times) {
        return fail(call, times, new Failure(500, "INTERNAL_ERROR", "Internal error"));
    }

    /** The next {@code times} calls of {@code call} are carried out, but their answers never reach the client. */
    public Faults loseAnswers(Call call, int times) {
        return fail(call, times, new Failure(0, "", ""));
    }

    private Faults fail(Call call, int times, Failure failure) {
        synchronized (failures) {
            for (int i = 0; i < times; i++) {
                failures.get(call).add(failure);
            }
        }
        return this;
    }

    /**
     * Stops the service deleting branches whose expiry has passed, for a test whose subject is not expiry:
     * the fake forks a branch by copying a database, which a loaded machine can slow down to seconds, and
     * a branch with a short expiry could then expire under a test about something else. What the client
     * asks for (expiry times, the answers to them) is checked as before.
     */
    public Faults keepExpiredBranches() {
        expireBranches = false;
        return this;
    }

    /** Whether the service deletes branches whose expiry has passed ({@link #keepExpiredBranches()}). */
    public boolean expiresBranches() {
        return expireBranches;
    }

    /**
     * Long-running operations finish this long after they start, and not before a poll has found them running
     * (then at that poll; {@link io.github.lakebase.junit.fakes.SeenOperations#UNSEEN} later if none comes).
     */
    public Faults operationDelay(Duration delay) {
        operationDelay = delay;
        return this;
    }

    /**
     * A new branch's endpoint has no host for this long after its first lookup once the branch is ready; timed from
     * that lookup, so that every new branch's endpoint is found not ready at least once.
     */
    public Faults endpointDelay(Duration delay) {
        endpointDelay = delay;
        return this;
    }

    /**
     * Logins to a new branch fail with "External authorization failed" for this long after its first login: the
     * role has not propagated yet. Timed from that login, so that every new branch refuses at least one.
     */
    public Faults authorizationDelay(Duration delay) {
        authorizationDelay = delay;
        return this;
    }

    /** How long a database credential is valid. */
    public Faults credentialLifetime(Duration lifetime) {
        credentialLifetime = lifetime;
        return this;
    }

    /**
     * The next {@code count} database credentials have run out by the time they are used: what a client sees
     * when a credential expires between its fetch and the login it is for (a slow login, a busy machine).
     */
    public Faults expiredCredentials(int count) {
        expiredCredentials.set(count);
        return this;
    }

    /** The longest expiry the workspace allows. */
    public Faults maxTtl(Duration ttl) {
        maxTtl = ttl;
        return this;
    }

    /** The most branches a project may have, all runs together. */
    public Faults branchLimit(int limit) {
        branchLimit = limit;
        return this;
    }

    /**
     * How the project answers a creation beyond its branch limit. Which code the service gives is not
     * documented; the SDK's {@code com.databricks.sdk.service.postgres.ErrorCode} has three for it:
     * {@code RESOURCE_EXHAUSTED}, {@code RESOURCE_LIMIT_EXCEEDED} and {@code QUOTA_EXCEEDED}. The message says
     * nothing a client could match on.
     */
    public Faults branchLimitAnswer(int status, String code) {
        branchLimitError = branchLimitError(status, code);
        return this;
    }

    private static ApiError branchLimitError(int status, String code) {
        return new ApiError(status, code, "The request cannot be completed for this project");
    }

    /** How many calls of {@code call} the fake has seen. */
    public int calls(Call call) {
        return calls.get(call).get();
    }

    /**
     * How many answers to {@code call} said that what it asked for was not ready yet: an operation not done,
     * an endpoint without a host.
     */
    public int notReady(Call call) {
        return notReady.get(call).get();
    }

    void answeredNotReady(Call call) {
        notReady.get(call).incrementAndGet();
    }

    /** How many logins were refused while a branch's role was propagating ({@link #authorizationDelay}). */
    public int refusedLogins() {
        return refusedLogins.get();
    }

    void refusedLogin() {
        refusedLogins.incrementAndGet();
    }

    /** How many of the failures given for {@code call} are still to be answered. */
    public int pending(Call call) {
        synchronized (failures) {
            return failures.get(call).size();
        }
    }

    /** Counts a call, and returns the failure to answer it with, if any. */
    Failure next(Call call) {
        calls.get(call).incrementAndGet();
        synchronized (failures) {
            return failures.get(call).poll();
        }
    }

    Duration operationDelay() {
        return operationDelay;
    }

    Duration endpointDelay() {
        return endpointDelay;
    }

    Duration authorizationDelay() {
        return authorizationDelay;
    }

    Duration credentialLifetime() {
        return expiredCredentials.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? Duration.ZERO : credentialLifetime;
    }

    Duration maxTtl() {
        return maxTtl;
    }

    int branchLimit() {
        return branchLimit;
    }

    ApiError branchLimitError() {
        return new ApiError(branchLimitError.status(), branchLimitError.code(), branchLimitError.getMessage());
    }
}
