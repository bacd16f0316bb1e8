package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.integration.BaseListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every base a run of this JVM builds or reuses, for the tests that look at them. */
public final class RecordedBases implements BaseListener {

    static final List<BaseEvent> EVENTS = new CopyOnWriteArrayList<>();

    @Override
    public void baseReady(BaseEvent event) {
        EVENTS.add(event);
    }

    /** The events of bases whose migrations mention {@code text}. */
    static List<BaseEvent> of(String text) {
        return EVENTS.stream()
                .filter(e -> e.migrations().stream().anyMatch(m -> m.contains(text)))
                .toList();
    }
}
