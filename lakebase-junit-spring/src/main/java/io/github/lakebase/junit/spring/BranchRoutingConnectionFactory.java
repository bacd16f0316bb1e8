package io.github.lakebase.junit.spring;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;

/**
 * An application's R2DBC {@code ConnectionFactory} in a test with {@code @LakebaseBranch}: every
 * connection goes to the branch of the context's only or primary {@code DataSource} for the current
 * test (or, while the context starts, to its staged base), through the PostgreSQL R2DBC driver
 * ({@code org.postgresql:r2dbc-postgresql}). The branch is chosen when {@link #create()} is called.
 */
final class BranchRoutingConnectionFactory implements ConnectionFactory {

    private static final int KEPT = 16;

    private final Supplier<BeanRoute.Endpoint> route;
    private final String description;
    /**
     * A driver factory per database and the way to log in to it, the most recently used ones: a new password (a
     * credential fetched again before it expired) or a new host (an endpoint replaced) gets a factory of its own,
     * since a driver factory logs in with the options it was made with.
     */
    private final Map<BeanRoute.Endpoint, ConnectionFactory> factories = new LinkedHashMap<>(KEPT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BeanRoute.Endpoint, ConnectionFactory> eldest) {
            return size() > KEPT;
        }
    };

    BranchRoutingConnectionFactory(BeanRoute route) {
        this(route::endpoint, route.toString());
    }

    /**
     * A factory of connections to where {@code route} says, read at every {@link #create()}.
     *
     * @param route the database connections go to now, with its current password
     * @param description what the route is, for {@link #toString()}
     */
    BranchRoutingConnectionFactory(Supplier<BeanRoute.Endpoint> route, String description) {
        this.route = route;
        this.description = description;
    }

    @Override
    public Publisher<? extends Connection> create() {
        return target().create();
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return () -> "PostgreSQL";
    }

    private ConnectionFactory target() {
        BeanRoute.Endpoint endpoint = route.get();
        synchronized (factories) {
            return factories.computeIfAbsent(endpoint, e -> ConnectionFactories.get(options(e)));
        }
    }

    /** The driver's options for a database given by its JDBC URL ({@code jdbc:postgresql://host:port/db?...}). */
    static ConnectionFactoryOptions options(BeanRoute.Endpoint endpoint) {
        URI uri = URI.create(endpoint.jdbcUrl().substring("jdbc:".length()));
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "postgresql")
                .option(ConnectionFactoryOptions.HOST, uri.getHost())
                .option(ConnectionFactoryOptions.PORT, uri.getPort() < 0 ? 5432 : uri.getPort())
                .option(ConnectionFactoryOptions.DATABASE, uri.getPath().substring(1))
                .option(ConnectionFactoryOptions.USER, endpoint.username())
                .option(ConnectionFactoryOptions.PASSWORD, endpoint.password());
        if (uri.getQuery() != null) {
            for (String parameter : uri.getQuery().split("&")) {
                String[] pair = parameter.split("=", 2);
                if (pair.length == 2 && pair[0].equals("sslmode")) {
                    options.option(Option.valueOf("sslMode"), pair[1]);
                }
            }
        }
        return options.build();
    }

    @Override
    public String toString() {
        return "BranchRoutingConnectionFactory[" + description + "]";
    }
}
