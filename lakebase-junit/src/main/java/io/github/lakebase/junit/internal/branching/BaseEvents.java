package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.integration.BaseListener;
import io.github.lakebase.junit.integration.KeptBranch;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link BaseListener}s on the class path, told of every base a run builds or reuses, and of every branch it
 * keeps.
 *
 * <pre>{@code
 * BaseEvents.publish(new BaseEvent(name, parent, locations, applied, false, elapsed));
 * }</pre>
 */
final class BaseEvents {

    private static final Logger LOG = LoggerFactory.getLogger(BaseEvents.class);
    private static final List<BaseListener> LISTENERS = load();

    private BaseEvents() {}

    /** Tells every listener; a listener that fails is logged and skipped. */
    static void publish(BaseEvent event) {
        for (BaseListener listener : LISTENERS) {
            try {
                listener.baseReady(event);
            } catch (RuntimeException e) {
                LOG.warn("{} failed on base {}: {}", listener.getClass().getName(), event.name(), e.toString());
            }
        }
    }

    /** Tells every listener of a kept branch; a listener that fails is logged and skipped. */
    static void kept(KeptBranch branch) {
        for (BaseListener listener : LISTENERS) {
            try {
                listener.branchKept(branch);
            } catch (RuntimeException e) {
                LOG.warn("{} failed on kept branch {}: {}", listener.getClass().getName(), branch.name(), e.toString());
            }
        }
    }

    private static List<BaseListener> load() {
        List<BaseListener> found = new ArrayList<>();
        try {
            ServiceLoader.load(BaseListener.class, BaseListener.class.getClassLoader())
                    .forEach(found::add);
        } catch (ServiceConfigurationError e) {
            LOG.warn("A base listener cannot load: {}", e.toString());
        }
        return List.copyOf(found);
    }
}
