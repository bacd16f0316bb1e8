package io.github.lakebase.junit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pool's source of connections keeps to the login timeout the pool sets, gives up a login that never
 * ends (and closes its connection should it open after all), and says why the last open failed.
 */
class ConnectionSourceTests {

    @Test
    @Timeout(30) // without a login timeout the opener waits for good
    void aLoginThatDoesNotEndIsGivenUpAtTheLoginTimeoutAndItsLateConnectionClosed() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        ConnectionSource source = new ConnectionSource(() -> {
            try {
                answer.await();
            } catch (InterruptedException e) {
                throw new SQLException(e);
            }
            return connection(closed);
        });
        source.setLoginTimeout(1);

        long start = System.nanoTime();
        assertThatThrownBy(source::getConnection)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("login timeout of 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(source.lastFailure()).isPresent();

        answer.countDown(); // the server answers after all: nobody waits for that connection any more
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!closed.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(closed).as("the late connection is closed").isTrue();
    }

    @Test
    void aConnectionThatOpensForgetsTheLastFailure() throws Exception {
        AtomicBoolean refuse = new AtomicBoolean(true);
        ConnectionSource source = new ConnectionSource(() -> {
            if (refuse.get()) {
                throw new SQLException("Connection refused", "08001");
            }
            return connection(new AtomicBoolean());
        });
        source.setLoginTimeout(5);

        assertThatThrownBy(source::getConnection).hasMessage("Connection refused");
        assertThat(source.lastFailure())
                .hasValueSatisfying(e -> assertThat(e.getSQLState()).isEqualTo("08001"));
        refuse.set(false);
        assertThat(source.getConnection()).isNotNull();
        assertThat(source.lastFailure()).isEmpty();
    }

    /** A connection that records its close and supports nothing else. */
    private static Connection connection(AtomicBoolean closed) {
        return (Connection) Proxy.newProxyInstance(
                ConnectionSourceTests.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> {
                    if (m.getName().equals("close")) {
                        closed.set(true);
                        return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
