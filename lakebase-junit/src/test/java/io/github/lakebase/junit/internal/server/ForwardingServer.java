package io.github.lakebase.junit.internal.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;

/** A server that forwards every call to another one; tests override the one behaviour they change. */
class ForwardingServer implements PostgresServer {

    private final PostgresServer delegate;

    ForwardingServer(PostgresServer delegate) {
        this.delegate = delegate;
    }

    @Override
    public Connection connectAdmin() throws SQLException {
        return delegate.connectAdmin();
    }

    @Override
    public boolean running() {
        return delegate.running();
    }

    @Override
    public boolean ownProcess() {
        return delegate.ownProcess();
    }

    @Override
    public OptionalLong freeDiskBytes() {
        return delegate.freeDiskBytes();
    }

    @Override
    public Optional<Path> rowsDirectory() {
        return delegate.rowsDirectory();
    }

    @Override
    public String jdbcUrl(String database) {
        return delegate.jdbcUrl(database);
    }

    @Override
    public String username() {
        return delegate.username();
    }

    @Override
    public String password() {
        return delegate.password();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
