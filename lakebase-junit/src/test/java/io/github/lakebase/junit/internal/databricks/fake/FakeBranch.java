package io.github.lakebase.junit.internal.databricks.fake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lakebase.junit.fakes.BranchDatabases;
import io.github.lakebase.junit.fakes.FirstLook;
import io.github.lakebase.junit.fakes.PostgresRouter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A branch of a {@link FakeProject}: its resource as the API shows it, the database behind it, its
 * endpoint, and the snapshots of its history that point-in-time branching can fork from.
 *
 * <pre>{@code
 * FakeBranch old = project.addBranch("lbj-deadrun-base-1", "production").times(created, updated, expires);
 * assertThat(project.branch(old.id())).isEmpty();   // swept
 * }</pre>
 */
public final class FakeBranch implements PostgresRouter.Target {

    /** The state of a branch, as {@code status.current_state} names it. */
    public enum State {
        INIT,
        READY,
        DELETED
    }

    /** The state of the branch at a moment, kept as a database of its own. */
    record Snapshot(Instant at, String database) {}

    private final FakeProject project;
    private final String id;
    private final String uid = UUID.randomUUID().toString();
    volatile Instant createTime = Instant.now();
    volatile Instant updateTime = createTime;
    volatile Instant expireTime;
    volatile boolean isProtected;
    volatile boolean isDefault;
    volatile State state = State.INIT;
    volatile String sourceBranch;
    volatile Instant sourceBranchTime;
    volatile String database;
    /** The endpoint's start, which leaves it without a host for a while; set as the branch becomes ready. */
    volatile FirstLook endpointStarting = new FirstLook(Duration.ZERO);
    /** The propagation of the role, which refuses logins for a while; set as the branch becomes ready. */
    volatile FirstLook rolePropagating = new FirstLook(Duration.ZERO);

    private PostgresRouter.Route route;
    final List<Snapshot> history = new ArrayList<>();

    FakeBranch(FakeProject project, String id) {
        this.project = project;
        this.id = id;
    }

    /** The branch id, the last part of its name. */
    public String id() {
        return id;
    }

    /** {@code projects/<project>/branches/<id>}. */
    public String name() {
        return project.name() + "/branches/" + id;
    }

    /** Whether the branch is being created, ready, or (softly) deleted. */
    public State state() {
        return state;
    }

    /** The branch's unique id, which a replacement in place keeps. */
    public String uid() {
        return uid;
    }

    /** When the branch was created; {@code spec.ttl} counts from here. */
    public Instant createTime() {
        return createTime;
    }

    /** When the service deletes the branch, or {@code null} for never. */
    public Instant expireTime() {
        return expireTime;
    }

    /** When the branch was last created or changed. */
    public Instant updateTime() {
        return updateTime;
    }

    /** Whether the branch may be neither deleted nor reset. */
    public boolean isProtected() {
        return isProtected;
    }

    /** The resource name of the branch it was forked from, or {@code null}. */
    public String sourceBranch() {
        return sourceBranch;
    }

    /** The point in time of the source it was forked at, or {@code null}. */
    public Instant sourceBranchTime() {
        return sourceBranchTime;
    }

    /** The database behind the branch on the fake's server. */
    public String database() {
        return database;
    }

    /** Sets the times the API reports, as a branch of an earlier run would have them. */
    public FakeBranch times(Instant created, Instant updated, Instant expires) {
        createTime = created;
        updateTime = updated;
        expireTime = expires;
        return this;
    }

    /** Protects the branch, as a user would. */
    public FakeBranch protect() {
        isProtected = true;
        return this;
    }

    @Override
    public String refusal() {
        if (rolePropagating.lasting()) {
            project.faults().refusedLogin();
            return "External authorization failed";
        }
        return null;
    }

    /** The endpoint's host, opened on first use; {@code null} until the endpoint is up. */
    synchronized String host(PostgresRouter router) throws IOException {
        if (state != State.READY || endpointStarting.lasting()) {
            return null;
        }
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

    /**
     * The branch as the API returns it: the SDK's {@code Branch} ({@code name}, {@code branch_id},
     * {@code parent}, {@code uid}, {@code create_time}, {@code update_time}) with its {@code BranchSpec} and
     * {@code BranchStatus} ({@code current_state} of {@code BranchStatusState}, {@code default},
     * {@code is_protected}, {@code expire_time}, {@code source_branch}, {@code source_branch_time},
     * {@code logical_size_bytes}: the size of its database here).
     */
    ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode spec = f.objectNode();
        if (sourceBranch != null) {
            spec.put("source_branch", sourceBranch);
        }
        if (sourceBranchTime != null) {
            spec.put("source_branch_time", sourceBranchTime.toString());
        }
        spec.put("is_protected", isProtected);
        if (expireTime == null) {
            spec.put("no_expiry", true);
        } else {
            spec.put("expire_time", expireTime.toString());
        }
        ObjectNode status = f.objectNode();
        status.put("branch_id", id);
        status.put("current_state", state.name());
        status.put("default", isDefault);
        status.put("is_protected", isProtected);
        if (expireTime != null) {
            status.put("expire_time", expireTime.toString());
        }
        if (sourceBranch != null) {
            status.put("source_branch", sourceBranch);
        }
        if (sourceBranchTime != null) {
            status.put("source_branch_time", sourceBranchTime.toString());
        }
        long size = state == State.READY && database != null ? BranchDatabases.size(database) : -1;
        if (size >= 0) {
            status.put("logical_size_bytes", size); // BranchStatus.logical_size_bytes: the branch's logical size
        }
        ObjectNode branch = f.objectNode();
        branch.put("name", name());
        branch.put("branch_id", id);
        branch.put("parent", project.name());
        branch.put("uid", uid);
        branch.put("create_time", createTime.toString());
        branch.put("update_time", updateTime.toString());
        branch.set("spec", spec);
        branch.set("status", status);
        return branch;
    }
}
