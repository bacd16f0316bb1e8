package io.github.lakebase.junit.spring;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections an application borrowed from a staged base while its context started, so that the
 * ones still borrowed when the base is sealed (a component that took a connection in
 * {@code @PostConstruct} to {@code LISTEN} on it, say) are named in a warning instead of dying silently.
 */
final class StartupConnections {

    private static final Logger LOG = LoggerFactory.getLogger(StartupConnections.class);

    private final String bean;
    private final String context;
    private final Map<Connection, Borrow> borrowed = new ConcurrentHashMap<>();

    private record Borrow(Instant since, String thread) {}

    StartupConnections(String bean, String context) {
        this.bean = bean;
        this.context = context;
    }

    /** The connection, remembered as borrowed until it is closed. */
    Connection track(Connection connection) {
        Borrow borrow = new Borrow(Instant.now(), Thread.currentThread().getName());
        Connection proxy = (Connection) Proxy.newProxyInstance(
                StartupConnections.class.getClassLoader(), new Class<?>[] {Connection.class}, new Handler(connection));
        borrowed.put(proxy, borrow);
        return proxy;
    }

    /** Logs the connections still borrowed, if any: they are closed with the staged base's pool. */
    void warnIfStillBorrowed() {
        List<Borrow> open = List.copyOf(borrowed.values());
        borrowed.clear();
        if (open.isEmpty()) {
            return;
        }
        Borrow first = open.stream().min(Comparator.comparing(Borrow::since)).orElseThrow();
        LOG.warn(
                "{} connection(s) borrowed from the {} of {} while it started were still open when it finished "
                        + "starting (the first since {}, taken on thread '{}'). They are closed now, because the base "
                        + "they are connected to becomes the template of the test branches: any later use fails with "
                        + "\"This connection has been closed\", and they never reach a test's branch. A connection held "
                        + "from start-up does not follow the test's branch: take connections when the work needs them "
                        + "(per call, or a LISTEN started lazily on first use), not in @PostConstruct or a constructor.",
                open.size(),
                bean.isEmpty() ? "DataSource" : "DataSource '" + bean + "'",
                context,
                first.since(),
                first.thread());
    }

    /** Delegates everything to the pool's connection, and forgets the borrow when it is closed. */
    private final class Handler implements InvocationHandler {

        private final Connection target;

        Handler(Connection target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "StartupConnection[" + target + "]";
                case "close":
                    borrowed.remove((Connection) proxy);
                    break;
                case "unwrap":
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return proxy;
                    }
                    break;
                case "isWrapperFor":
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return true;
                    }
                    break;
                default:
                    break;
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
