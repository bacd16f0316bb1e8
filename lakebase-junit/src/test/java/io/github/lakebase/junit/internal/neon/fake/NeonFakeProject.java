package io.github.lakebase.junit.internal.neon.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.fakes.BranchDatabases;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Neon project of a {@link FakeNeon}: its branches and what the API does with them, each rule traced to
 * Neon's OpenAPI description ({@code @neondatabase/api-client}, {@code public-v2-for-users.gen.yaml}):
 * service-made ids with a {@code br-} prefix; a branch forked from its parent's head, or from
 * {@code parent_timestamp}; {@code expires_at} at a precision of seconds, in the future and within what the
 * project allows, after which the branch is deleted by a background job; a branch locked (423) while an
 * operation runs on it; a branch limit ({@code Project.owner.branches_limit}); no deleting the default
 * branch or one with a child ({@code deleteProjectBranch}); 204 for deleting a branch that is gone;
 * {@code restoreProjectBranch} to a source's head that keeps the branch's id and endpoint.
 */
public final class NeonFakeProject {

    private static final AtomicInteger IDS = new AtomicInteger();

    private final FakeNeon neon;
    private final String id;
    private final Map<String, NeonFakeBranch> branches = new LinkedHashMap<>();
    private int mostAtOnce;
    private int created;
    private int updatesOfDeletingBranches;
    private volatile int limitRefusals;

    NeonFakeProject(FakeNeon neon, String id, String defaultBranch, String sql) {
        this.neon = neon;
        this.id = id;
        NeonFakeBranch main = new NeonFakeBranch(newId(), defaultBranch, null);
        main.isDefault = true;
        main.database = BranchDatabases.newName();
        BranchDatabases.createEmpty(main.database, neon.role(), sql);
        main.state = "ready";
        branches.put(main.id, main);
    }

    /** The project id. */
    public String id() {
        return id;
    }

    /** The branches the API would list, in the order they were created. */
    public synchronized List<NeonFakeBranch> branches() {
        return List.copyOf(branches.values());
    }

    /** The branch of that name, if it exists. */
    public synchronized Optional<NeonFakeBranch> branchNamed(String name) {
        return branches.values().stream().filter(b -> b.name.equals(name)).findFirst();
    }

    /** The most branches the project had at once. */
    public synchronized int mostBranchesAtOnce() {
        return mostAtOnce;
    }

    /** How many branches the API has created ({@code createProjectBranch} answered), besides {@link #addBranch}. */
    public synchronized int branchesCreated() {
        return created;
    }

    /** How many updates came for a branch whose deletion was under way (each answered 423). */
    public synchronized int updatesOfDeletingBranches() {
        return updatesOfDeletingBranches;
    }

    /** Adds a ready branch forked from {@code parent} now, as another user or an earlier run would. */
    public synchronized NeonFakeBranch addBranch(String name, String parent) {
        NeonFakeBranch from = branchNamed(parent).orElseThrow();
        NeonFakeBranch branch = new NeonFakeBranch(newId(), name, from.id);
        branch.database = BranchDatabases.newName();
        BranchDatabases.clone(from.database, branch.database, neon.role());
        branch.state = "ready";
        branches.put(branch.id, branch);
        return branch;
    }

    /** Deletes a branch, as its owner would, {@code delay} after the project first refused a creation for its limit. */
    public void deleteOnceFullFor(String name, java.time.Duration delay) {
        Fixtures.afterFirst(() -> limitRefusals > 0, delay, () -> deleteBranch(name));
    }

    /** How many creations the project refused for its branch limit. */
    public int limitRefusals() {
        return limitRefusals;
    }

    /**
     * Deletes a branch at once, as another client of the project does, without the API's checks (a branch
     * locked by an operation, the default branch, one with children): for a branch the test made itself.
     */
    public void deleteBranch(String name) {
        NeonFakeBranch branch = branchNamed(name).orElseThrow();
        synchronized (this) {
            branch.state = "deleting";
        }
        branch.closeEndpoint();
        remove(branch);
    }

    /** Runs SQL on a branch as the project's role. */
    public void execute(String name, String sql) {
        BranchDatabases.executeAs(neon.role(), branchNamed(name).orElseThrow().database, sql);
    }

    /** Records the branch as it is now as its state at {@code at}, for {@code parent_timestamp}. */
    public void recordHistory(String name, Instant at) {
        NeonFakeBranch branch = branchNamed(name).orElseThrow();
        String snapshot = BranchDatabases.newName();
        BranchDatabases.clone(branch.database, snapshot, neon.role());
        synchronized (this) {
            branch.history.add(new NeonFakeBranch.Snapshot(at, snapshot));
            branch.history.sort(Comparator.comparing(NeonFakeBranch.Snapshot::at));
        }
    }

    private static String newId() {
        return "br-fake-" + IDS.incrementAndGet();
    }

    /** {@code getProject}: the project with its owner's {@code branches_limit}. */
    synchronized ObjectNode project() {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ObjectNode project = answer.putObject("project").put("id", id);
        project.putObject("owner").put("branches_limit", neon.faults().branchLimit());
        return answer;
    }

    /** {@code countProjectBranches}. */
    synchronized ObjectNode count() {
        return JsonNodeFactory.instance.objectNode().put("count", branches.size());
    }

    /** {@code listProjectBranches}: {@code search} matches part of a name or id; a cursor pages by {@code limit}. */
    synchronized ObjectNode list(String search, int limit, int offset) {
        List<NeonFakeBranch> all = branches.values().stream()
                .filter(b -> search == null || b.name.contains(search) || b.id.contains(search))
                .toList();
        ObjectNode page = JsonNodeFactory.instance.objectNode();
        ArrayNode array = page.putArray("branches");
        all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()))
                .forEach(b -> array.add(b.toJson(id)));
        if (offset + limit < all.size()) {
            page.putObject("pagination").put("next", Integer.toString(offset + limit));
        }
        return page;
    }

    synchronized ObjectNode get(String branchId) {
        return JsonNodeFactory.instance
                .objectNode()
                .set("branch", existing(branchId).toJson(id));
    }

    /**
     * {@code createProjectBranch} with a {@code BranchCreateRequest}: a branch of the parent's head, or of
     * its state at {@code parent_timestamp}, with a read-write endpoint when {@code endpoints} asks for one;
     * answered 201 with the branch, its endpoints and the operations that create them.
     */
    synchronized ObjectNode create(JsonNode request) {
        JsonNode spec = request.path("branch");
        NeonFakeBranch parent = spec.hasNonNull("parent_id")
                ? existing(spec.get("parent_id").asText())
                : branches.values().stream()
                        .filter(b -> b.isDefault)
                        .findFirst()
                        .orElseThrow();
        if (!"ready".equals(parent.state)) {
            throw FakeNeon.error(423, "parent branch " + parent.id + " has an operation in progress");
        }
        Instant expiresAt =
                spec.hasNonNull("expires_at") ? expiry(spec.get("expires_at").asText()) : null;
        if (branches.size() >= neon.faults().branchLimit()) {
            limitRefusals++;
            NeonFaults.Failure answer = neon.faults().branchLimitAnswer();
            throw FakeNeon.error(answer.status(), answer.code(), answer.message());
        }
        String source = databaseAt(
                parent,
                spec.hasNonNull("parent_timestamp")
                        ? time(spec.get("parent_timestamp").asText())
                        : null);
        NeonFakeBranch branch = new NeonFakeBranch(newId(), spec.path("name").asText("br-" + IDS.get()), parent.id);
        branch.expiresAt = expiresAt;
        branch.state = "init";
        branch.hasEndpoint = request.path("endpoints").size() > 0;
        branches.put(branch.id, branch);
        created++;
        mostAtOnce = Math.max(mostAtOnce, branches.size());
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.set("branch", branch.toJson(id));
        ArrayNode operations = answer.putArray("operations");
        operations.add(neon.operations().start(id, branch.id, "create_timeline", () -> {
            String database = BranchDatabases.newName();
            BranchDatabases.clone(source, database, neon.role());
            synchronized (this) {
                branch.database = database;
                branch.state = "ready";
            }
        }));
        ArrayNode endpoints = answer.putArray("endpoints");
        if (branch.hasEndpoint) {
            endpoints.add(JsonNodeFactory.instance
                    .objectNode()
                    .put("id", "ep-" + branch.id)
                    .put("type", "read_write"));
        }
        return answer;
    }

    /**
     * {@code expires_at}: RFC 3339 "with precision up to seconds"; the fake refuses a time in the past, and
     * one further than the project allows (the API documents the field as limited to early access, and
     * Neon's documentation a 30-day maximum).
     */
    private Instant expiry(String text) {
        Instant at = time(text);
        if (at.getNano() != 0) {
            throw FakeNeon.error(400, "expires_at must have a precision of seconds");
        }
        if (!at.isAfter(Instant.now())) {
            throw FakeNeon.error(400, "expires_at must be in the future");
        }
        if (at.isAfter(Instant.now().plus(neon.faults().maxExpiry()))) {
            throw FakeNeon.error(400, "expires_at is too far in the future");
        }
        return at;
    }

    private static Instant time(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw FakeNeon.error(400, "invalid timestamp " + text);
        }
    }

    private static String databaseAt(NeonFakeBranch parent, Instant at) {
        if (at == null || !at.isBefore(Instant.now())) {
            return parent.database;
        }
        return parent.history.stream()
                .filter(s -> !s.at().isAfter(at))
                .reduce((a, b) -> b)
                .map(NeonFakeBranch.Snapshot::database)
                .orElseThrow(() -> FakeNeon.error(400, "parent_timestamp is outside the history retention period"));
    }

    /** {@code updateProjectBranch} with {@code BranchUpdateRequest}: name, protected, expires_at (null removes it). */
    synchronized ObjectNode update(String branchId, JsonNode request) {
        if (branches.containsKey(branchId) && "deleting".equals(branches.get(branchId).state)) {
            updatesOfDeletingBranches++; // answered 423 below
        }
        NeonFakeBranch branch = unlocked(branchId);
        JsonNode spec = request.path("branch");
        if (spec.has("expires_at")) {
            branch.expiresAt = spec.get("expires_at").isNull()
                    ? null
                    : expiry(spec.get("expires_at").asText());
        }
        if (spec.has("name")) {
            branch.name = spec.get("name").asText();
        }
        if (spec.has("protected")) {
            branch.isProtected = spec.get("protected").asBoolean();
        }
        branch.updatedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.set("branch", branch.toJson(id));
        answer.putArray("operations");
        return answer;
    }

    /**
     * {@code deleteProjectBranch}: "You cannot delete a project's root or default branch, or a branch that
     * has a child branch"; 204 "if the branch doesn't exist or has already been deleted"; the endpoint is
     * suspended at once, and the deletion completes after its operations.
     */
    synchronized Optional<ObjectNode> delete(String branchId) {
        if (!branches.containsKey(branchId)) {
            return Optional.empty();
        }
        NeonFakeBranch branch = unlocked(branchId);
        if (branch.isDefault || branch.isProtected) {
            throw FakeNeon.error(400, "cannot delete the default or a protected branch");
        }
        if (branches.values().stream().anyMatch(b -> branchId.equals(b.parentId))) {
            throw FakeNeon.error(400, "cannot delete a branch that has child branches");
        }
        branch.state = "deleting";
        branch.closeEndpoint();
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.set("branch", branch.toJson(id));
        answer.putArray("operations")
                .add(neon.operations().start(id, branchId, "delete_timeline", () -> remove(branch)));
        return Optional.of(answer);
    }

    private void remove(NeonFakeBranch branch) {
        synchronized (this) {
            branches.remove(branch.id);
        }
        BranchDatabases.drop(branch.database);
        branch.history.forEach(s -> BranchDatabases.drop(s.database()));
    }

    /**
     * {@code restoreProjectBranch} to the head of {@code source_branch_id}: the branch takes the source's
     * data and keeps its id and endpoint; {@code preserve_under_name} is required when the branch has
     * children.
     */
    synchronized ObjectNode restore(String branchId, JsonNode request) {
        NeonFakeBranch branch = unlocked(branchId);
        NeonFakeBranch source = existing(request.path("source_branch_id").asText());
        if (source.id.equals(branchId) || branches.values().stream().anyMatch(b -> branchId.equals(b.parentId))) {
            throw FakeNeon.error(400, "preserve_under_name is required");
        }
        String from = source.database;
        branch.state = "resetting";
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.putArray("operations").add(neon.operations().start(id, branchId, "create_timeline", () -> {
            String database = BranchDatabases.newName();
            BranchDatabases.clone(from, database, neon.role());
            String previous;
            synchronized (this) {
                previous = branch.database;
                branch.database = database;
                branch.parentId = source.id;
                branch.lastResetAt = Instant.now();
                branch.state = "ready";
            }
            BranchDatabases.drop(previous);
        }));
        answer.set("branch", branch.toJson(id));
        return answer;
    }

    /** {@code getConnectionURI}: the role's URI on the branch's read-write endpoint. */
    ObjectNode connectionUri(String branchId, String database, String role) throws IOException {
        NeonFakeBranch branch;
        synchronized (this) {
            branch = existing(branchId);
        }
        if (!branch.hasEndpoint) {
            throw FakeNeon.error(404, "branch " + branchId + " has no read-write endpoint");
        }
        if (!role.equals(neon.role())) {
            throw FakeNeon.error(404, "role " + role + " not found");
        }
        String host = branch.host(neon.router());
        return JsonNodeFactory.instance
                .objectNode()
                .put(
                        "uri",
                        "postgresql://" + role + ":" + neon.password() + "@" + host + ":"
                                + neon.router().port() + "/" + database + "?sslmode=require");
    }

    /** Deletes the branches whose {@code expires_at} has passed, as Neon's background job does. */
    void expire() {
        List<NeonFakeBranch> expired = new ArrayList<>();
        synchronized (this) {
            Instant now = Instant.now();
            for (NeonFakeBranch b : branches.values()) {
                if (b.expiresAt != null && b.expiresAt.isBefore(now) && "ready".equals(b.state) && !b.isDefault) {
                    b.state = "deleting";
                    expired.add(b);
                }
            }
        }
        expired.forEach(b -> {
            b.closeEndpoint();
            remove(b);
        });
    }

    /** A branch that no operation holds: 423 Locked otherwise, as the API's {@code GeneralError} describes. */
    private NeonFakeBranch unlocked(String branchId) {
        NeonFakeBranch branch = existing(branchId);
        if (!"ready".equals(branch.state)) {
            throw FakeNeon.error(423, "branch " + branchId + " has an operation in progress (" + branch.state + ")");
        }
        return branch;
    }

    private NeonFakeBranch existing(String branchId) {
        NeonFakeBranch branch = branches.get(branchId);
        if (branch == null) {
            throw FakeNeon.error(404, "branch " + branchId + " not found");
        }
        return branch;
    }
}
