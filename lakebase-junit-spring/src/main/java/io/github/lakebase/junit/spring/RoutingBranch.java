package io.github.lakebase.junit.spring;

import io.github.lakebase.junit.Branch;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The {@code Branch} bean of a test's application context: always the current test's branch. */
final class RoutingBranch implements Branch {

    private final ContextBranches branches;

    RoutingBranch(ContextBranches branches) {
        this.branches = branches;
    }

    @Override
    public String name() {
        return branches.defaultRoute().branch().name();
    }

    @Override
    public String parent() {
        return branches.defaultRoute().branch().parent();
    }

    @Override
    public String jdbcUrl() {
        return branches.defaultRoute().branch().jdbcUrl();
    }

    @Override
    public String username() {
        return branches.defaultRoute().branch().username();
    }

    @Override
    public String password() {
        return branches.defaultRoute().branch().password();
    }

    @Override
    public DataSource dataSource() {
        return branches.defaultRoute().branch().dataSource();
    }

    @Override
    public Connection openConnection() throws SQLException {
        return branches.defaultRoute().branch().openConnection();
    }

    @Override
    public void reset() {
        branches.defaultRoute().branch().reset();
    }

    @Override
    public String toString() {
        return "RoutingBranch[the current test's branch]";
    }
}
