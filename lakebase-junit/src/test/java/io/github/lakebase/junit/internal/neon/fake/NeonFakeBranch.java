package io.github.lakebase.junit.internal.neon.fake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lakebase.junit.fakes.BranchDatabases;
import io.github.lakebase.junit.fakes.PostgresRouter;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A branch of a {@link NeonFakeProject}: the fields of the API's {@code Branch} schema that a client reads,
 * the database behind it, its read-write endpoint, and the snapshots of its history.
 */
public final class NeonFakeBranch implements PostgresRouter.Target {

    /** The state of the branch at a moment, kept as a database of its own. */
    record Snapshot(Instant at, String database) {}

    final String id;
    volatile String name;
    volatile String parentId;
    volatile String state = "init";
    volatile boolean isDefault;
    volatile boolean isProtected;
    volatile boolean hasEndpoint = true;
    volatile Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    volatile Instant updatedAt = createdAt;
    volatile Instant expiresAt;
    volatile Instant lastResetAt;
    volatile String database;
    final List<Snapshot> history = new ArrayList<>();
    private PostgresRouter.Route route;

    NeonFakeBranch(String id, String name, String parentId) {
        this.id = id;
        this.name = name;
        this.parentId = parentId;
    }

    /** The branch id ({@code br-...}). */
    public String id() {
        return id;
    }

    /** The branch name. */
    public String name() {
        return name;
    }

    /** The id of the branch it was forked (or restored) from. */
    public String parentId() {
        return parentId;
    }

    /** {@code current_state}: init, ready, resetting, deleting. */
    public String state() {
        return state;
    }

    /** {@code expires_at}, or {@code null}. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** {@code last_reset_at}, or {@code null} before the first restore. */
    public Instant lastResetAt() {
        return lastResetAt;
    }

    /** The database behind the branch on the fake's server. */
    @Override
    public String database() {
        return database;
    }

    /** Sets the times the API reports, as a branch created and last updated by an earlier run would have them. */
    public NeonFakeBranch updated(Instant updated, Instant expires) {
        createdAt = updated;
        updatedAt = updated;
        expiresAt = expires;
        return this;
    }

    /** Protects the branch, as a user would. */
    public NeonFakeBranch protect() {
        isProtected = true;
        return this;
    }

    @Override
    public String refusal() {
        return null;
    }

    /** The endpoint's host, opened on first use. */
    synchronized String host(PostgresRouter router) throws IOException {
        if (route == null) {
            route = router.open(this);
        }
        return route.host();
    }

    synchronized void closeEndpoint() {
        if (route != null) {
            try {
                route.close();
            } catch (IOException e) {
                // already closed
            }
            route = null;
        }
    }

    /** The branch as the API returns it ({@code Branch}), its logical size that of its database here. */
    ObjectNode toJson(String projectId) {
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        b.put("id", id);
        b.put("project_id", projectId);
        if (parentId != null) {
            b.put("parent_id", parentId);
        }
        b.put("name", name);
        b.put("current_state", state);
        b.put("default", isDefault);
        b.put("protected", isProtected);
        b.put("created_at", createdAt.toString());
        b.put("updated_at", updatedAt.toString());
        if (expiresAt != null) {
            b.put("expires_at", expiresAt.toString());
        }
        if (lastResetAt != null) {
            b.put("last_reset_at", lastResetAt.toString());
        }
        // Branch.logical_size: "the logical size of the branch, in bytes"; optional, so absent when unknown
        long size = "ready".equals(state) && database != null ? BranchDatabases.size(database) : -1;
        if (size >= 0) {
            b.put("logical_size", size);
        }
        return b;
    }
}
