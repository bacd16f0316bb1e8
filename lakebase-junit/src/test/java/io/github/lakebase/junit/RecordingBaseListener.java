package io.github.lakebase.junit;

import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.integration.BaseListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every base event of this test JVM, as a run report would. */
public final class RecordingBaseListener implements BaseListener {

    static final List<BaseEvent> EVENTS = new CopyOnWriteArrayList<>();

    @Override
    public void baseReady(BaseEvent event) {
        EVENTS.add(event);
    }
}
