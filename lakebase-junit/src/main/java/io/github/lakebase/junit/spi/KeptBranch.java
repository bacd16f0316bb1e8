package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Why a branch outlives its run, and what a later look at it needs: the test that failed, or the
 * parent and migrations a developer branch is refreshed from. A provider records it with the branch
 * ({@link BranchProvider#keep(String, KeptBranch)}) and gives it back in {@link BranchCatalog#branches()}.
 *
 * <pre>{@code
 * provider.keep(name, new KeptBranch(KeptBranch.Reason.FAILED, "com.example.OrderTests#refund", "template1", List.of()));
 * }</pre>
 *
 * @param reason why it is kept
 * @param owner the test that failed or kept it ({@code com.example.OrderTests#refund}), or who created a
 *     developer branch; may be empty
 * @param parent the branch it was forked from, as the user named it; may be empty
 * @param migrations the migrations of its base, as the user gave them (empty: the configured default)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record KeptBranch(Reason reason, String owner, String parent, List<String> migrations) {

    /**
     * Checks the values, and copies the migrations.
     *
     * @param reason why it is kept
     * @param owner the test, or the developer; may be empty
     * @param parent the branch it was forked from; may be empty
     * @param migrations the migrations of its base
     * @throws NullPointerException when a value is null
     */
    public KeptBranch {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(parent, "parent");
        migrations = List.copyOf(migrations);
    }

    /** Why a branch is kept. */
    public enum Reason {
        /**
         * Its test failed under {@code CleanupMode.ON_SUCCESS}: it expires after {@value
         * ProviderContext#KEPT_TTL}, and a later run's sweep drops it then.
         */
        FAILED,
        /** Its test asked for {@code CleanupMode.NEVER}: it stays until someone drops it (a cloud service's cap aside). */
        NEVER,
        /** A developer's branch, made outside tests: it stays until its developer drops it. */
        DEVELOPER
    }
}
