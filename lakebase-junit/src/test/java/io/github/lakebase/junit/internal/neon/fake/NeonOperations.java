package io.github.lakebase.junit.internal.neon.fake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lakebase.junit.fakes.SeenOperations;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The fake's operations ({@code Operation}): the work of a change runs in the background after the
 * operation delay of the {@link NeonFaults}, and not before a poll has found it running ({@link
 * SeenOperations}); {@code getProjectOperation} shows its {@code status}: {@code running}, then {@code
 * finished}, or {@code failed} with an {@code error}.
 */
final class NeonOperations {

    private final Map<String, ObjectNode> operations = new ConcurrentHashMap<>();
    private final ScheduledExecutorService workers = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "neon-fake-operation");
        t.setDaemon(true);
        return t;
    });
    private final SeenOperations running = new SeenOperations(workers);
    private final NeonFaults faults;

    NeonOperations(NeonFaults faults) {
        this.faults = faults;
    }

    /** Starts {@code work} on a branch; returns the operation, running. */
    ObjectNode start(String project, String branchId, String action, Runnable work) {
        String id = UUID.randomUUID().toString();
        String now = Instant.now().toString();
        ObjectNode operation = JsonNodeFactory.instance
                .objectNode()
                .put("id", id)
                .put("project_id", project)
                .put("branch_id", branchId)
                .put("action", action)
                .put("status", "running")
                .put("failures_count", 0)
                .put("created_at", now)
                .put("updated_at", now)
                .put("total_duration_ms", 0);
        operations.put(id, operation.deepCopy());
        running.start(id, faults.operationDelay(), () -> finish(id, work));
        return operation;
    }

    private void finish(String id, Runnable work) {
        ObjectNode done = operations.get(id).deepCopy();
        try {
            work.run();
            done.put("status", "finished");
        } catch (RuntimeException e) {
            done.put("status", "failed").put("error", String.valueOf(e.getMessage()));
        }
        done.put("updated_at", Instant.now().toString());
        operations.put(id, done);
    }

    /** {@code getProjectOperation}. */
    ObjectNode get(String id) {
        ObjectNode operation = operations.get(id);
        if (operation == null) {
            throw FakeNeon.error(404, "operation " + id + " not found");
        }
        boolean done = !"running".equals(operation.path("status").asText());
        faults.answered(id, done);
        if (!done) {
            running.polled(id);
        }
        return JsonNodeFactory.instance.objectNode().set("operation", operation);
    }

    void every(Duration period, Runnable task) {
        workers.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }
}
