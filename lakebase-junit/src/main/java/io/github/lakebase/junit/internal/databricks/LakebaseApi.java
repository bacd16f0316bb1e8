package io.github.lakebase.junit.internal.databricks;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.BranchSpec;
import com.databricks.sdk.service.postgres.CreateBranchRequest;
import com.databricks.sdk.service.postgres.DatabaseCredential;
import com.databricks.sdk.service.postgres.DeleteBranchRequest;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;
import com.databricks.sdk.service.postgres.ListBranchesRequest;
import com.databricks.sdk.service.postgres.Operation;
import com.databricks.sdk.service.postgres.PostgresAPI;
import com.databricks.sdk.service.postgres.UpdateBranchRequest;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import io.github.lakebase.junit.spi.ProviderContext;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls the provider makes to the {@code postgres} API of a Databricks workspace, each retried
 * after throttling and passing failures, with long-running operations polled to completion within
 * {@code lakebase.databricks.operation-timeout}.
 */
final class LakebaseApi {

    private static final Logger LOG = LoggerFactory.getLogger(LakebaseApi.class);
    /**
     * The codes of {@code com.databricks.sdk.service.postgres.ErrorCode} that say a project or quota is
     * full. Which one the service gives for a project at its branch limit is not documented, so any of them
     * means "wait for a branch to be deleted"; the wording of the message is never looked at.
     */
    private static final java.util.Set<String> FULL =
            java.util.Set.of("RESOURCE_EXHAUSTED", "RESOURCE_LIMIT_EXCEEDED", "QUOTA_EXCEEDED");

    /** What Lakebase answers while another operation runs on a branch. */
    private static final java.util.Set<String> BUSY = java.util.Set.of("RESOURCE_CONFLICT", "ABORTED");

    private final WorkspaceClient workspace;
    private final PostgresAPI postgres;
    private final DatabricksSettings settings;
    private final Retrying retrying;

    LakebaseApi(WorkspaceClient workspace, DatabricksSettings settings) {
        this.workspace = workspace;
        this.postgres = workspace.postgres();
        this.settings = settings;
        this.retrying = new Retrying(settings.pollInterval(), settings.operationTimeout());
    }

    Retrying retrying() {
        return retrying;
    }

    /** The workspace's address, for messages. */
    String host() {
        return workspace.config().getHost();
    }

    /** The identity to log in to Postgres as: the user's e-mail or the service principal's application id. */
    String identity() {
        return retrying.call(
                "reading the current user",
                () -> workspace
                        .currentUser()
                        .me(new com.databricks.sdk.service.iam.MeRequest())
                        .getUserName());
    }

    /** A branch of the project, or empty when there is none of that id (or it is being deleted). */
    Optional<Branch> branch(String id) {
        return retrying.call(
                "reading branch " + id, () -> unlessNotFound(() -> postgres.getBranch(settings.branchName(id))));
    }

    /** Every branch of the project, all pages. */
    List<Branch> branches() {
        return retrying.call("listing the branches of " + settings.projectName(), () -> {
            List<Branch> all = new ArrayList<>();
            postgres.listBranches(new ListBranchesRequest().setParent(settings.projectName()))
                    .forEach(all::add);
            return all;
        });
    }

    /**
     * Creates a branch and waits until it is ready. A creation whose answer is lost (no answer, a 5xx)
     * may have happened anyway: before it is repeated, the branch is looked up, and taken when
     * {@code ours} says the one found is the one asked for. While the project is at its branch limit
     * (other runs hold branches), the creation is repeated until {@code lakebase.databricks.slot-timeout}.
     */
    void createBranch(String id, java.util.function.Supplier<BranchSpec> spec, Predicate<Branch> ours) {
        String what = "creating branch " + id;
        Retrying.Waits waits = retrying.waits(settings.operationTimeout());
        Retrying.Waits forSlot = null;
        while (true) {
            try {
                Operation started = start(id, spec.get()); // an expiry from now, at every attempt
                await(started, what);
                return;
            } catch (RuntimeException e) {
                String message = Retrying.describe(e);
                if (Retrying.status(e) == 400 && "INVALID_PARAMETER_VALUE".equals(Retrying.errorCode(e))) {
                    throw ProviderException.configuration("Lakebase refused branch " + id + " (" + message + "). "
                            + "Where it names the expiry, the workspace caps how long a branch may live: Lower "
                            + DatabricksProviderFactory.BRANCH_TTL + " (now "
                            + ProviderContext.formatDuration(settings.branchTtl())
                            + "). Where it names the source's time, "
                            + "asOf lies outside the parent's history.");
                }
                if (FULL.contains(Retrying.errorCode(e))) {
                    if (forSlot == null) {
                        forSlot = retrying.waits(settings.slotTimeout());
                        LOG.info(
                                "Project {} is at its branch limit ({}); {} waits for a branch to be deleted, up to {}",
                                settings.project(),
                                message,
                                id,
                                ProviderContext.formatDuration(settings.slotTimeout()));
                    }
                    if (forSlot.pause("branch limit")) {
                        waits = retrying.waits(settings.operationTimeout()); // the wait for room is not a retry's
                        continue;
                    }
                    throw new ProviderException(
                            "Lakebase: no room for branch " + id + " within "
                                    + ProviderContext.formatDuration(settings.slotTimeout()) + ": project "
                                    + settings.project()
                                    + " stayed at its branch limit (" + message
                                    + "). Delete branches you no longer need, lower "
                                    + DatabricksProviderFactory.MAX_BRANCHES + ", or raise "
                                    + DatabricksProviderFactory.SLOT_TIMEOUT
                                    + ".",
                            e);
                }
                boolean maybeDone = Retrying.passing(e) || Retrying.status(e) == 409;
                if (maybeDone) {
                    Optional<Branch> found = branch(id).filter(ours);
                    if (found.isPresent()) {
                        LOG.info(
                                "{} failed on the client ({}), but the branch exists: taking it",
                                what,
                                Retrying.describe(e));
                        awaitReady(id, what);
                        return;
                    }
                }
                if (!Retrying.passing(e) || !waits.pause(what + " failed (" + Retrying.describe(e) + ")")) {
                    throw Retrying.failure(what, e);
                }
            }
        }
    }

    private Operation start(String id, BranchSpec spec) {
        CreateBranchRequest request = new CreateBranchRequest()
                .setParent(settings.projectName())
                .setBranchId(id)
                .setBranch(new Branch().setSpec(spec));
        return new Operation().setName(postgres.createBranch(request).getName()).setDone(false);
    }

    /** Waits until a branch created by an operation we lost track of is ready. */
    private void awaitReady(String id, String what) {
        Retrying.Waits waits = retrying.waits(settings.operationTimeout());
        do {
            Optional<Branch> branch = branch(id);
            String state = branch.map(
                            b -> b.getStatus() == null || b.getStatus().getCurrentState() == null
                                    ? ""
                                    : b.getStatus().getCurrentState().name())
                    .orElse("gone");
            if (state.equals("READY")) {
                return;
            }
            if (state.equals("gone")) {
                throw new ProviderException(
                        "Lakebase: " + what + ": the branch disappeared while it was created", null);
            }
        } while (waits.pause(what + ": not ready yet"));
        throw new ProviderException(
                "Lakebase: " + what + " did not finish within "
                        + ProviderContext.formatDuration(settings.operationTimeout()) + "; raise "
                        + DatabricksProviderFactory.OPERATION_TIMEOUT + ".",
                null);
    }

    /**
     * Deletes a branch for good ({@code purge}); a branch that is gone already is fine, and one with an
     * operation still running (its creation) is deleted once that is done.
     */
    void deleteBranch(String id) {
        String what = "deleting branch " + id;
        Retrying.Waits waits = retrying.waits(settings.operationTimeout());
        while (true) {
            try {
                Optional<String> started = retrying.call(
                        what,
                        () -> unlessNotFound(() -> postgres.deleteBranch(new DeleteBranchRequest()
                                        .setName(settings.branchName(id))
                                        .setPurge(true))
                                .getName()));
                started.ifPresent(op -> await(
                        new Operation().setName(op), what, () -> branch(id).isEmpty()));
                return;
            } catch (ProviderException e) {
                if (!(e.getCause() instanceof RuntimeException cause)
                        || !BUSY.contains(Retrying.errorCode(cause))
                        || !waits.pause(what + ": an operation is still running on it")) {
                    throw e;
                }
            }
        }
    }

    /** Sets when a branch expires. */
    void setExpiry(String id, Instant expiry) {
        String what = "extending the expiry of branch " + id;
        Branch branch = new Branch().setSpec(new BranchSpec().setExpireTime(timestamp(expiry)));
        Operation op = retrying.call(
                what,
                () -> new Operation()
                        .setName(postgres.updateBranch(new UpdateBranchRequest()
                                        .setName(settings.branchName(id))
                                        .setBranch(branch)
                                        .setUpdateMask(FieldMask.newBuilder()
                                                .addPaths("spec.expiration")
                                                .build()))
                                .getName()));
        await(op, what);
    }

    /**
     * Sets when a branch expires, unless the workspace refuses that expiry ({@code BranchSpec.expire_time}
     * beyond what its policy allows: 400 INVALID_PARAMETER_VALUE).
     *
     * @return {@code false} when the expiry was refused
     */
    boolean trySetExpiry(String id, Instant expiry) {
        try {
            setExpiry(id, expiry);
            return true;
        } catch (ProviderException e) {
            if (e.getCause() instanceof RuntimeException cause
                    && Retrying.status(cause) == 400
                    && "INVALID_PARAMETER_VALUE".equals(Retrying.errorCode(cause))) {
                return false;
            }
            throw e;
        }
    }

    /** The endpoint to connect to on a branch. */
    Optional<Endpoint> endpoint(String branchId) {
        return retrying.call(
                "reading endpoint " + settings.endpointName(branchId),
                () -> unlessNotFound(() -> postgres.getEndpoint(settings.endpointName(branchId))));
    }

    /** A database credential (an OAuth token, valid about an hour) for an endpoint. */
    DatabaseCredential credential(String endpointName) {
        return retrying.call(
                "generating a database credential for " + endpointName,
                () -> postgres.generateDatabaseCredential(
                        new GenerateDatabaseCredentialRequest().setEndpoint(endpointName)));
    }

    /** Polls an operation until it is done; fails with its error, or after the operation timeout. */
    private void await(Operation started, String what) {
        await(started, what, () -> false);
    }

    /**
     * Polls an operation until it is done. An {@code Operation.name} lives under the resource it works on
     * ({@code projects/p/branches/b/operations/o}), so once a deletion has purged the branch the operation
     * may answer 404 NOT_FOUND: {@code doneIfGone} then tells whether the work is done.
     */
    private void await(Operation started, String what, java.util.function.BooleanSupplier doneIfGone) {
        Retrying.Waits waits = retrying.waits(settings.operationTimeout());
        do {
            Optional<Operation> polled = retrying.call(
                    what + " (polling " + started.getName() + ")",
                    () -> unlessNotFound(() -> postgres.getOperation(started.getName())));
            if (polled.isEmpty()) {
                if (doneIfGone.getAsBoolean()) {
                    return;
                }
                throw new ProviderException(
                        "Lakebase: " + what + ": its operation " + started.getName() + " is gone (404)", null);
            }
            Operation op = polled.get();
            if (Boolean.TRUE.equals(op.getDone())) {
                if (op.getError() != null) {
                    throw new ProviderException(
                            "Lakebase: " + what + " failed: " + op.getError().getErrorCode() + ": "
                                    + op.getError().getMessage(),
                            null);
                }
                return;
            }
        } while (waits.pause(what + " in progress"));
        throw new ProviderException(
                "Lakebase: " + what + " did not finish within "
                        + ProviderContext.formatDuration(settings.operationTimeout()) + " (operation "
                        + started.getName()
                        + "); raise "
                        + DatabricksProviderFactory.OPERATION_TIMEOUT + " if Lakebase is slow today.",
                null);
    }

    /** The result of a call, or empty when what it asks for does not exist (404). */
    private static <T> Optional<T> unlessNotFound(java.util.function.Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (RuntimeException e) {
            if (Retrying.status(e) == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
