package io.github.lakebase.junit.internal.databricks.fake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lakebase.junit.fakes.SeenOperations;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The fake's long-running operations: the work of a creation, update or deletion runs in the
 * background, after the operation delay of the {@link Faults} (and not before a poll has found it
 * running: {@link SeenOperations}), and {@code GET .../operations/...}
 * shows it {@code done}, with the resource as its {@code response} or an {@code error}: the SDK's
 * {@code Operation} ({@code name}, {@code done}, {@code response}, {@code error} with {@code error_code}
 * and {@code message}), named under the resource it works on ({@code <resource>/operations/<id>}, as the
 * CLI's test server names them in {@code createOperationLocked}).
 */
final class Operations {

    private final Map<String, ObjectNode> operations = new ConcurrentHashMap<>();
    private final ScheduledExecutorService workers = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "lakebase-fake-operation");
        t.setDaemon(true);
        return t;
    });
    private final SeenOperations running = new SeenOperations(workers);
    private final Faults faults;

    Operations(Faults faults) {
        this.faults = faults;
    }

    /** Starts {@code work} on {@code resource}; returns the operation, not done yet. */
    ObjectNode start(String resource, Supplier<ObjectNode> work) {
        String name = resource + "/operations/" + UUID.randomUUID();
        ObjectNode operation =
                JsonNodeFactory.instance.objectNode().put("name", name).put("done", false);
        operations.put(name, operation.deepCopy());
        running.start(name, faults.operationDelay(), () -> finish(name, work));
        return operation;
    }

    private void finish(String name, Supplier<ObjectNode> work) {
        ObjectNode done =
                JsonNodeFactory.instance.objectNode().put("name", name).put("done", true);
        try {
            ObjectNode response = work.get();
            if (response != null) {
                done.set("response", response);
            }
        } catch (ApiError e) {
            done.set(
                    "error",
                    JsonNodeFactory.instance
                            .objectNode()
                            .put("error_code", e.code())
                            .put("message", e.getMessage()));
        } catch (RuntimeException e) {
            done.set(
                    "error",
                    JsonNodeFactory.instance
                            .objectNode()
                            .put("error_code", "INTERNAL_ERROR")
                            .put("message", String.valueOf(e.getMessage())));
        }
        operations.put(name, done);
    }

    /** An operation as {@code GET} shows it. */
    ObjectNode get(String name) {
        ObjectNode operation = operations.get(name);
        if (operation == null) {
            throw ApiError.notFound("Operation " + name);
        }
        if (!operation.path("done").asBoolean()) {
            running.polled(name);
        }
        return operation;
    }

    /** Runs {@code task} every {@code period} in the background. */
    void every(Duration period, Runnable task) {
        workers.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }
}
