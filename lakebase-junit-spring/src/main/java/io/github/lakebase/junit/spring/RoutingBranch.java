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
        return branches.branch().name();
    }

    @Override
    public String parent() {
        return branches.branch().parent();
    }

    @Override
    public String jdbcUrl() {
        return branches.branch().jdbcUrl();
    }

    @Override
    public String username() {
        return branches.branch().username();
    }

    @Override
    public String password() {
        return branches.branch().password();
    }

    @Override
    public DataSource dataSource() {
        return branches.branch().dataSource();
    }

    @Override
    public Connection openConnection() throws SQLException {
        return branches.branch().openConnection();
    }

    @Override
    public void reset() {
        branches.branch().reset();
    }

    @Override
    public String toString() {
        return "RoutingBranch[the current test's branch]";
    }
}
