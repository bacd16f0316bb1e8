package io.github.lakebase.junit.internal.databricks.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.fakes.BranchDatabases;
import io.github.lakebase.junit.fakes.FirstLook;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Lakebase project of a {@link FakeLakebase}: its branches and what the API does with them, with the
 * rules a client must live with, each traced to the SDK (0.141.0) or the Databricks CLI's test server where
 * it is implemented: ids of 1 to 63 lowercase letters, digits and hyphens; exactly one expiry, a
 * {@code ttl} counted from the branch's creation; {@code replace_existing} that updates a branch in place;
 * a soft-deleted branch that keeps its id until purged; a branch limit answered with one of the SDK's
 * error codes; no deleting a protected or default branch, or one with children; 404 for a deleted branch
 * and for the operations of a purged one; expired branches deleted by the service.
 *
 * <pre>{@code
 * FakeProject project = fake.createProject("orders", "production", "CREATE TABLE customer (id int)");
 * project.addBranch("staging", "production").protect();
 * assertThat(project.mostBranchesAtOnce()).isLessThanOrEqualTo(4);
 * }</pre>
 */
public final class FakeProject {

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private final FakeLakebase workspace;
    private final String id;
    private final Map<String, FakeBranch> branches = new LinkedHashMap<>();
    private int mostAtOnce;
    private int updatesOfDeletedBranches;
    private volatile int limitRefusals;

    /** The faults of the workspace this project is in. */
    Faults faults() {
        return workspace.faults();
    }

    FakeProject(FakeLakebase workspace, String id, String defaultBranch, String sql) {
        this.workspace = workspace;
        this.id = id;
        FakeBranch main = new FakeBranch(this, defaultBranch);
        main.isDefault = true;
        main.database = BranchDatabases.newName();
        BranchDatabases.createEmpty(main.database, workspace.identity(), sql);
        main.state = FakeBranch.State.READY;
        branches.put(defaultBranch, main);
    }

    /** {@code projects/<id>}. */
    public String name() {
        return "projects/" + id;
    }

    /** The branches the API would list, in the order they were created. */
    public synchronized List<FakeBranch> branches() {
        return branches.values().stream()
                .filter(b -> b.state != FakeBranch.State.DELETED)
                .toList();
    }

    /** The branch of that id, if it exists. */
    public synchronized Optional<FakeBranch> branch(String branchId) {
        return Optional.ofNullable(branches.get(branchId)).filter(b -> b.state != FakeBranch.State.DELETED);
    }

    /** The most branches the project had at once. */
    public synchronized int mostBranchesAtOnce() {
        return mostAtOnce;
    }

    /** How many updates came for a branch that was deleted or being deleted (each answered 404). */
    public synchronized int updatesOfDeletedBranches() {
        return updatesOfDeletedBranches;
    }

    /** Whether a branch of that id was purged, or never existed: its operations are gone with it. */
    synchronized boolean purged(String branchId) {
        return !branches.containsKey(branchId);
    }

    /** Adds a ready branch forked from {@code source} now, as another user or an earlier run would. */
    public synchronized FakeBranch addBranch(String branchId, String source) {
        FakeBranch from = existing(source);
        FakeBranch branch = new FakeBranch(this, branchId);
        branch.sourceBranch = from.name();
        branch.database = BranchDatabases.newName();
        BranchDatabases.clone(from.database, branch.database, workspace.identity());
        branch.state = FakeBranch.State.READY;
        branches.put(branchId, branch);
        return branch;
    }

    /** How many creations the project refused for its branch limit. */
    public int limitRefusals() {
        return limitRefusals;
    }

    /**
     * Deletes a branch for good, as its owner would, {@code delay} after the project first refused a creation
     * for its branch limit.
     */
    public void deleteOnceFullFor(String branchId, java.time.Duration delay) {
        Fixtures.afterFirst(() -> limitRefusals > 0, delay, () -> {
            FakeBranch branch;
            synchronized (this) {
                branch = branches.get(branchId);
                branch.state = FakeBranch.State.DELETED;
            }
            remove(branch, true);
        });
    }

    /** Runs SQL on a branch as the workspace identity, for example to change a parent. */
    public void execute(String branchId, String sql) {
        BranchDatabases.executeAs(workspace.identity(), branch(branchId).orElseThrow().database, sql);
    }

    /** Records the branch as it is now as its state at {@code at}, for point-in-time branching. */
    public void recordHistory(String branchId, Instant at) {
        FakeBranch branch = existing(branchId);
        String snapshot = BranchDatabases.newName();
        BranchDatabases.clone(branch.database, snapshot, workspace.identity());
        synchronized (this) {
            branch.history.add(new FakeBranch.Snapshot(at, snapshot));
            branch.history.sort(Comparator.comparing(FakeBranch.Snapshot::at));
        }
    }

    synchronized ObjectNode list(int pageSize, int offset) {
        List<FakeBranch> all = branches();
        ObjectNode page = Json.object();
        var array = page.putArray("branches");
        all.subList(Math.min(offset, all.size()), Math.min(offset + pageSize, all.size()))
                .forEach(b -> array.add(b.toJson()));
        if (offset + pageSize < all.size()) {
            page.put("next_page_token", Integer.toString(offset + pageSize));
        }
        return page;
    }

    ObjectNode get(String branchId) {
        return existing(branchId).toJson();
    }

    synchronized ObjectNode create(String branchId, JsonNode spec, boolean replace) {
        if (branchId == null || !ID.matcher(branchId).matches()) {
            throw ApiError.invalid("branch_id '" + branchId + "' must be 1-63 lowercase letters, digits or hyphens, "
                    + "starting with a letter");
        }
        FakeBranch old = branches.get(branchId);
        if (old != null && replace && old.state != FakeBranch.State.DELETED) {
            return replaceInPlace(old, spec);
        }
        if (old != null) {
            // A soft-deleted branch keeps its id until it is purged (DeleteBranchRequest.purge frees it).
            throw new ApiError(409, "ALREADY_EXISTS", "branch with such id already exists");
        }
        FakeBranch source =
                existing(Optional.ofNullable(spec.path("source_branch").textValue())
                        .map(s -> s.substring(s.lastIndexOf('/') + 1))
                        .orElse(defaultBranch().id()));
        Instant created = Instant.now();
        Instant expiry = expiry(spec, created);
        if (branches().size() >= workspace.faults().branchLimit()) {
            limitRefusals++;
            throw workspace.faults().branchLimitError();
        }
        Instant asOf = spec.hasNonNull("source_branch_time")
                ? Instant.parse(spec.get("source_branch_time").asText())
                : null;
        String from = databaseAt(source, asOf);
        FakeBranch branch = new FakeBranch(this, branchId);
        branch.createTime = created;
        branch.updateTime = created;
        branch.state = FakeBranch.State.INIT;
        branch.sourceBranch = source.name();
        branch.sourceBranchTime = asOf;
        branch.expireTime = expiry;
        branches.put(branchId, branch);
        mostAtOnce = Math.max(mostAtOnce, branches().size());
        return workspace.operations().start(branch.name(), () -> {
            String database = BranchDatabases.newName();
            BranchDatabases.clone(from, database, workspace.identity());
            synchronized (this) {
                branch.database = database;
                branch.state = FakeBranch.State.READY;
                branch.endpointStarting = new FirstLook(workspace.faults().endpointDelay());
                branch.rolePropagating = new FirstLook(workspace.faults().authorizationDelay());
            }
            return branch.toJson();
        });
    }

    /**
     * {@code replace_existing=true} on a branch that exists. The SDK documents
     * {@code CreateBranchRequest.replaceExisting} as "update the branch if it already exists instead of
     * returning an error", and the Databricks CLI's test server ({@code libs/testserver/postgres.go},
     * {@code PostgresBranchCreate}) keeps the branch's uid, create_time and status and applies only the
     * incoming spec: the data stays as it was; nothing is forked again.
     */
    private ObjectNode replaceInPlace(FakeBranch branch, JsonNode spec) {
        branch.expireTime = expiry(spec, branch.createTime);
        branch.isProtected = spec.path("is_protected").asBoolean(branch.isProtected);
        branch.updateTime = Instant.now();
        return workspace.operations().start(branch.name(), branch::toJson);
    }

    /**
     * The expiry a spec asks for. {@code BranchSpec} takes exactly one of {@code ttl}, {@code expire_time} and
     * {@code no_expiry}; {@code ttl} counts from the branch's creation time ("expire at create_time + ttl"),
     * not from the call, so a ttl sent for an old branch can name a time already past, which is refused.
     */
    private Instant expiry(JsonNode spec, Instant created) {
        int given = (spec.hasNonNull("ttl") ? 1 : 0)
                + (spec.hasNonNull("expire_time") ? 1 : 0)
                + (spec.path("no_expiry").asBoolean(false) ? 1 : 0);
        if (given != 1) {
            throw ApiError.invalid("Exactly one of spec.ttl, spec.expire_time and spec.no_expiry must be set");
        }
        if (spec.path("no_expiry").asBoolean(false)) {
            return null;
        }
        Instant expiry = spec.hasNonNull("ttl")
                ? created.plus(Json.duration(spec.get("ttl").asText()))
                : Instant.parse(spec.get("expire_time").asText());
        if (!expiry.isAfter(Instant.now())) {
            throw ApiError.invalid("The expiration time " + expiry + " is in the past");
        }
        if (expiry.isAfter(Instant.now().plus(workspace.faults().maxTtl()))) {
            throw ApiError.invalid("The expiration time exceeds the maximum expiration time of "
                    + workspace.faults().maxTtl().toDays() + " days allowed by the workspace policy");
        }
        return expiry;
    }
    /** The database holding {@code source} as it was at {@code asOf}: its latest snapshot not after it. */
    private static String databaseAt(FakeBranch source, Instant asOf) {
        if (asOf == null || !asOf.isBefore(Instant.now())) {
            return source.database;
        }
        return source.history.stream()
                .filter(s -> !s.at().isAfter(asOf))
                .reduce((a, b) -> b)
                .map(FakeBranch.Snapshot::database)
                .orElseThrow(() -> ApiError.invalid("source_branch_time " + asOf + " is outside the history retention "
                        + "window of branch " + source.name()));
    }

    synchronized ObjectNode update(String branchId, JsonNode spec, String mask) {
        FakeBranch deleting = branches.get(branchId);
        if (deleting != null && deleting.state == FakeBranch.State.DELETED) {
            updatesOfDeletedBranches++; // answered 404 below, as GetBranch answers for a deleted branch
        }
        FakeBranch branch = existing(branchId);
        for (String path : mask.split(",")) {
            switch (path.trim()) {
                case "spec.expiration" -> branch.expireTime = expiry(spec, branch.createTime);
                case "spec.is_protected" ->
                    branch.isProtected = spec.path("is_protected").asBoolean();
                default -> throw ApiError.invalid("Cannot update " + path);
            }
        }
        branch.updateTime = Instant.now();
        return workspace.operations().start(branch.name(), branch::toJson);
    }

    synchronized ObjectNode delete(String branchId, boolean purge) {
        FakeBranch branch = existing(branchId);
        if (branch.state == FakeBranch.State.INIT) {
            // ErrorCode.RESOURCE_CONFLICT of the SDK: another operation holds the branch.
            throw new ApiError(409, "RESOURCE_CONFLICT", "Branch " + branch.name() + " has an operation in progress");
        }
        refuseToRemove(branch, "deleted");
        branch.state = FakeBranch.State.DELETED;
        return workspace.operations().start(branch.name(), () -> {
            remove(branch, purge);
            return null;
        });
    }

    /**
     * A protected branch is refused with 400 BAD_REQUEST (the CLI's test server, {@code PostgresBranchDelete}),
     * and so is the project's default (root) branch. A branch that others were forked from cannot be deleted
     * either; the code of that answer is not documented, and the fake gives 400 FAILED_PRECONDITION, which no
     * client should match on.
     */
    private void refuseToRemove(FakeBranch branch, String what) {
        if (branch.isProtected || branch.isDefault) {
            throw new ApiError(
                    400,
                    "BAD_REQUEST",
                    "cannot delete " + (branch.isProtected ? "protected" : "root") + " branch " + branch.name());
        }
        if (branches().stream().anyMatch(b -> branch.name().equals(b.sourceBranch))) {
            throw ApiError.precondition("Branch " + branch.name() + " has child branches and cannot be " + what);
        }
    }

    private void remove(FakeBranch branch, boolean purge) {
        branch.closeEndpoint();
        BranchDatabases.drop(branch.database);
        branch.history.forEach(s -> BranchDatabases.drop(s.database()));
        synchronized (this) {
            if (purge && branches.get(branch.id()) == branch && branch.state == FakeBranch.State.DELETED) {
                branches.remove(branch.id());
            }
        }
    }

    /** Deletes the branches whose expiry has passed, as the service does. */
    void expire() {
        List<FakeBranch> expired = new ArrayList<>();
        synchronized (this) {
            Instant now = Instant.now();
            for (FakeBranch b : branches()) {
                // BranchSpec.expire_time is when the service deletes the branch; nothing in the API exempts a
                // branch that others were forked from, so the fake expires it and leaves its children's
                // source_branch pointing at nothing: a client that keeps a child must keep its source alive.
                if (b.expireTime != null
                        && b.expireTime.isBefore(now)
                        && b.state == FakeBranch.State.READY
                        && !b.isProtected
                        && !b.isDefault) {
                    b.state = FakeBranch.State.DELETED;
                    expired.add(b);
                }
            }
        }
        expired.forEach(b -> remove(b, true));
    }

    /** The branch the endpoint name points at, ready. */
    FakeBranch endpointBranch(String endpointName) {
        String[] parts = endpointName.split("/");
        if (parts.length != 6
                || !parts[1].equals(id)
                || !parts[2].equals("branches")
                || !parts[4].equals("endpoints")
                || !parts[5].equals("primary")) {
            throw ApiError.notFound("Endpoint " + endpointName);
        }
        return existing(parts[3]);
    }

    private synchronized FakeBranch existing(String branchId) {
        return branch(branchId).orElseThrow(() -> ApiError.notFound("Branch " + name() + "/branches/" + branchId));
    }

    private FakeBranch defaultBranch() {
        return branches().stream().filter(b -> b.isDefault).findFirst().orElseThrow();
    }
}
