package io.github.lakebase.junit.spi.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.ProviderException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Branch slots: a branch that must not wait for one fails at once when all are held, and only within its scope. */
class BranchSlotsTests {

    @Test
    void withoutWaitingABranchFailsAtOnceWhenEverySlotIsHeld() {
        BranchSlots slots = new BranchSlots("Lakebase", "max-key", "timeout-key", 2, Duration.ofHours(1));
        slots.acquire("first", Kind.BRANCH);
        slots.acquire("second", Kind.BRANCH);

        // Waiting, this would block for an hour and then say that none "became free within 1h".
        assertThatThrownBy(() -> BranchSlots.withoutWaiting(() -> {
                    slots.acquire("review", Kind.BRANCH);
                    return null;
                }))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("no branch was free for review")
                .hasMessageContaining("Raise max-key");

        slots.release(Kind.BRANCH);
        assertThat(BranchSlots.withoutWaiting(() -> {
                    slots.acquire("review", Kind.BRANCH);
                    return "taken";
                }))
                .as("a free slot is taken")
                .isEqualTo("taken");
    }

    @Test
    void outsideItsScopeABranchWaitsForASlotAgain() {
        BranchSlots slots = new BranchSlots("Neon", "max-key", "timeout-key", 1, Duration.ofMillis(200));
        slots.acquire("held", Kind.BRANCH);
        assertThatThrownBy(() -> BranchSlots.withoutWaiting(() -> {
                    slots.acquire("review", Kind.BRANCH);
                    return null;
                }))
                .hasMessageContaining("no branch was free");

        assertThatThrownBy(() -> slots.acquire("test", Kind.BRANCH))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("no branch became free within");
    }
}
