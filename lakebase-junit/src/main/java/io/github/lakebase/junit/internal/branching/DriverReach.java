package io.github.lakebase.junit.internal.branching;

import java.sql.Connection;

/**
 * What the library knows of a connection it opened to a branch: whether code reached the driver's own
 * connection behind it ({@link Connection#unwrap}), through which alone a test can start what the JDBC
 * interfaces cannot, such as a {@code COPY} it never ends. Reached through the pool's connection with {@code
 * unwrap(DriverReach.class)}, which does not count.
 *
 * <pre>{@code
 * boolean reached = !session.isWrapperFor(DriverReach.class) || session.unwrap(DriverReach.class).takeReached();
 * }</pre>
 */
public interface DriverReach {

    /**
     * Whether {@link Connection#unwrap} was called on the connection since this method was last called (or since
     * it was opened); afterwards, until the next call of {@code unwrap}, false.
     *
     * @return true when code may have reached the driver's connection
     */
    boolean takeReached();
}
