package io.github.lakebase.junit.internal.report;

import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.integration.BaseListener;
import io.github.lakebase.junit.integration.KeptBranch;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records, for the run report, every base this JVM reviewed (built or reused with the report on) and every branch it
 * kept. Listed in {@code META-INF/services}, so it hears of every base without code in the tests; {@link
 * ReportFiles} writes what it recorded at the end of the test run.
 *
 * <pre>{@code
 * ReportDocument fragment = RunReport.fragment(BranchService.RUN_ID, build);
 * }</pre>
 */
public final class RunReport implements BaseListener {

    private static final List<BaseEvent> BASES = new CopyOnWriteArrayList<>();
    private static final List<KeptBranch> KEPT = new CopyOnWriteArrayList<>();

    /** Created by {@link java.util.ServiceLoader}. */
    public RunReport() {}

    @Override
    public void baseReady(BaseEvent event) {
        if (event.reviewed()
                || event.problem().isPresent()
                || event.idempotency().status() == BaseEvent.IdempotencyCheck.Status.FAILED) {
            BASES.add(event);
        }
    }

    @Override
    public void branchKept(KeptBranch branch) {
        KEPT.add(branch);
    }

    /**
     * What this JVM recorded so far, as its fragment of the report.
     *
     * @param run this JVM's run id
     * @param build the build it belongs to
     */
    static ReportDocument fragment(String run, String build) {
        return new ReportDocument(
                ReportDocument.VERSION,
                build,
                List.of(run),
                BASES.stream().map(b -> ReportDocument.Base.of(run, b)).toList(),
                KEPT.stream().map(k -> ReportDocument.Kept.of(run, k)).toList());
    }
}
