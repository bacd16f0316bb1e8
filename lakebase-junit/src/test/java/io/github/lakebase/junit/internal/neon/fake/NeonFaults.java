package io.github.lakebase.junit.internal.neon.fake;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What goes wrong in a {@link FakeNeon}, on demand: answers replaced by the errors the API's
 * {@code GeneralError} names as safe to retry (423 Locked, 503) and by throttling (429) or other server
 * errors, answers lost after the work was done, slow operations, a branch limit, a cap on
 * {@code expires_at}. It also counts the calls it sees.
 *
 * <pre>{@code
 * fake.faults().throttle(Call.CREATE, 2).operationDelay(Duration.ofMillis(300));
 * }</pre>
 */
public final class NeonFaults {

    /** The calls of the API, by the operation ids of Neon's OpenAPI description. */
    public enum Call {
        /** {@code createProjectBranch}. */
        CREATE,
        /** {@code getProjectBranch}. */
        GET,
        /** {@code listProjectBranches}. */
        LIST,
        /** {@code countProjectBranches}. */
        COUNT,
        /** {@code updateProjectBranch}. */
        UPDATE,
        /** {@code deleteProjectBranch}. */
        DELETE,
        /** {@code restoreProjectBranch}. */
        RESTORE,
        /** {@code getProjectOperation}. */
        OPERATION,
        /** {@code getConnectionURI}. */
        CONNECTION_URI,
        /** {@code getProject}. */
        PROJECT
    }

    /** An injected answer: an error, or (status 0) the real answer lost on its way back. */
    record Failure(int status, String code, String message) {
        boolean lost() {
            return status == 0;
        }
    }

    private final Map<Call, Deque<Failure>> failures = new EnumMap<>(Call.class);
    private final Map<Call, AtomicInteger> calls = new EnumMap<>(Call.class);
    private final Map<Call, Runnable> afterwards = new ConcurrentHashMap<>();
    private final List<RuntimeException> hookFailures = new CopyOnWriteArrayList<>();
    private final AtomicInteger operationsNotDone = new AtomicInteger();
    private final Set<String> leftRunning = ConcurrentHashMap.newKeySet();
    private volatile Duration operationDelay = Duration.ZERO;
    private volatile Duration maxExpiry = Duration.ofDays(30);
    private volatile int branchLimit = 5000;
    private volatile boolean expireBranches = true;
    private volatile int pageSize = Integer.MAX_VALUE;
    private volatile Failure branchLimitAnswer = new Failure(422, "", "the request could not be processed");

    NeonFaults() {
        for (Call call : Call.values()) {
            failures.put(call, new ArrayDeque<>());
            calls.put(call, new AtomicInteger());
        }
    }

    /** The next {@code times} calls of {@code call} answer 429, without doing anything. */
    public NeonFaults throttle(Call call, int times) {
        return fail(call, times, new Failure(429, "", "rate limit exceeded"));
    }

    /** The next {@code times} calls of {@code call} answer 503, without doing anything. */
    public NeonFaults unavailable(Call call, int times) {
        return fail(call, times, new Failure(503, "", "service unavailable"));
    }

    /** The next {@code times} calls of {@code call} answer 500, without doing anything. */
    public NeonFaults internalErrors(Call call, int times) {
        return fail(call, times, new Failure(500, "", "internal error"));
    }

    /** The next {@code times} calls of {@code call} answer 423 Locked, without doing anything. */
    public NeonFaults locked(Call call, int times) {
        return fail(call, times, new Failure(423, "", "project already has running conflicting operations"));
    }

    /** The next {@code times} calls of {@code call} are carried out, but their answers never reach the client. */
    public NeonFaults loseAnswers(Call call, int times) {
        return fail(call, times, new Failure(0, "", ""));
    }

    private NeonFaults fail(Call call, int times, Failure failure) {
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
    public NeonFaults keepExpiredBranches() {
        expireBranches = false;
        return this;
    }

    /** Whether the service deletes branches whose expiry has passed ({@link #keepExpiredBranches()}). */
    public boolean expiresBranches() {
        return expireBranches;
    }

    /**
     * Operations finish this long after they start, and not before a poll has found them running (then at that
     * poll; {@link io.github.lakebase.junit.fakes.SeenOperations#UNSEEN} later if none comes); a branch is locked
     * (423) until then.
     */
    public NeonFaults operationDelay(Duration delay) {
        operationDelay = delay;
        return this;
    }

    /** The furthest {@code expires_at} the project accepts, from now. */
    public NeonFaults maxExpiry(Duration expiry) {
        maxExpiry = expiry;
        return this;
    }

    /** The most branches a project may have ({@code Project.owner.branches_limit}), all runs together. */
    public NeonFaults branchLimit(int limit) {
        branchLimit = limit;
        return this;
    }

    /**
     * How the project answers a creation beyond its branch limit. Neon's OpenAPI description gives
     * {@code createProjectBranch} no error answer of its own, only {@code default: GeneralError}: any status,
     * with a {@code code} that is any string ({@code ErrorCode}, {@code ""} by default) and a message. Where the
     * description does name refusals, they are 403 for what the account's plan does not allow (the
     * consumption history endpoints), 406 for a count beyond a limit ({@code transferProjectsFromOrgToOrg}:
     * "the target organization has too many projects") and 422 for a request that cannot be processed; 400 is
     * what the fake answers a malformed request. The message says nothing a client could match on.
     */
    public NeonFaults branchLimitAnswer(int status, String code) {
        branchLimitAnswer = new Failure(status, code, "the request could not be processed");
        return this;
    }

    /**
     * Lists answer at most {@code size} branches a page, whatever {@code limit} asks: the API's
     * {@code LimitParam} is "the maximum number of records to be returned in the response", and a client
     * reads on while {@code pagination.next} leads further ({@code CursorPagination}).
     */
    public NeonFaults pageSize(int size) {
        pageSize = size;
        return this;
    }

    /**
     * Runs {@code action} at every call of {@code call} that the fake serves (not those answered with an injected
     * failure), after it has worked out its answer and before it sends it: what other clients do while an answer
     * is on its way. One action per call, the last given; what it throws is kept ({@link #hookFailures}) and the
     * answer sent as it was.
     */
    public NeonFaults afterEach(Call call, Runnable action) {
        afterwards.put(call, action);
        return this;
    }

    /** What the actions of {@link #afterEach} threw. */
    public List<RuntimeException> hookFailures() {
        return List.copyOf(hookFailures);
    }

    void answering(Call call) {
        try {
            afterwards.getOrDefault(call, () -> {}).run();
        } catch (RuntimeException e) {
            hookFailures.add(e);
        }
    }

    /** How many calls of {@code call} the fake has seen. */
    public int calls(Call call) {
        return calls.get(call).get();
    }

    /** How many answers to {@code getProjectOperation} said that the operation was still running. */
    public int operationsNotDone() {
        return operationsNotDone.get();
    }

    /** The operations answered as still running and never asked for again once done: given up on. */
    public Set<String> operationsLeftRunning() {
        return Set.copyOf(leftRunning);
    }

    void answered(String operation, boolean done) {
        if (done) {
            leftRunning.remove(operation);
        } else {
            operationsNotDone.incrementAndGet();
            leftRunning.add(operation);
        }
    }

    /** How many of the failures given for {@code call} are still to be answered. */
    public int pending(Call call) {
        synchronized (failures) {
            return failures.get(call).size();
        }
    }

    Failure next(Call call) {
        calls.get(call).incrementAndGet();
        synchronized (failures) {
            return failures.get(call).poll();
        }
    }

    Duration operationDelay() {
        return operationDelay;
    }

    Duration maxExpiry() {
        return maxExpiry;
    }

    int branchLimit() {
        return branchLimit;
    }

    int pageSize() {
        return pageSize;
    }

    Failure branchLimitAnswer() {
        return branchLimitAnswer;
    }
}
