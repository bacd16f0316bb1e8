package io.github.lakebase.junit.internal.branching;

import io.github.lakebase.junit.spi.RenamableSpares;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the provider has room for a spare of a base now ({@link RenamableSpares#noRoomForSpare}: the
 * embedded server's disk), saying so in the log once per base until there is room again.
 *
 * <pre>{@code
 * if (room.tooLittle(base)) { ... }   // the test that takes it forks on demand
 * }</pre>
 */
final class SpareRoom {

    private static final Logger LOG = LoggerFactory.getLogger(SpareRoom.class);

    private final RenamableSpares naming;
    /** Bases whose spares the disk has no room for now, said once each. */
    private final Set<String> shortOfDisk = ConcurrentHashMap.newKeySet();

    SpareRoom(RenamableSpares naming) {
        this.naming = naming;
    }

    /** Whether there is no room for a spare of {@code base} now. */
    boolean tooLittle(String base) {
        Optional<String> why = naming.noRoomForSpare(base);
        if (why.isEmpty()) {
            shortOfDisk.remove(base);
            return false;
        }
        if (shortOfDisk.add(base)) {
            LOG.info(
                    "Not forking branches of {} ahead of the tests for now: {}. Tests fork their branches on demand "
                            + "until there is room.",
                    base,
                    why.get());
        }
        return true;
    }
}
