package io.github.lakebase.maven;

import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Prints the JDBC URL, user, password and a {@code psql} command of a kept branch, starting the embedded
 * server if needed, and keeps it up until interrupted (Ctrl+C); a test run meanwhile shares the server.
 *
 * <pre>./mvnw lakebase:connect -Dlakebase.branch=lbj_k3x9a1b_3_refund</pre>
 */
@Mojo(name = "connect", requiresDependencyResolution = ResolutionScope.TEST, requiresProject = true, threadSafe = true)
public class ConnectMojo extends BranchesMojo {

    /** Created by Maven. */
    public ConnectMojo() {}

    /** The branch, as {@code lakebase:list} shows it; the prefix ({@code lbj_}) may be left out. */
    @Parameter(property = "lakebase.branch")
    private String branch;

    /** Returns once the details are printed instead of keeping the server up. */
    @Parameter(property = "lakebase.no-wait", defaultValue = "false")
    private boolean noWait;

    @Override
    List<String> arguments() throws MojoFailureException {
        return onBranch("connect", branch, noWait);
    }
}
