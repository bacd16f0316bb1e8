package io.github.lakebase.maven;

import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Creates a developer branch: forked from the parent ({@code -Dlakebase.from}, else the configured one, else
 * the provider's default) and migrated as a test's base is ({@code -Dlakebase.migrations}, else the
 * project's), then prints {@code spring.datasource.url}, {@code .username} and {@code .password}. On the
 * embedded provider it keeps the server up until interrupted (Ctrl+C).
 *
 * <pre>./mvnw lakebase:create -Dlakebase.branch=alice -Dlakebase.from=staging</pre>
 */
@Mojo(name = "create", requiresDependencyResolution = ResolutionScope.TEST, requiresProject = true, threadSafe = true)
public class CreateMojo extends BranchesMojo {

    /** Created by Maven. */
    public CreateMojo() {}

    /** The developer branch's name: lowercase letters, digits and underscores; the prefix ({@code lbj_}) is added. */
    @Parameter(property = "lakebase.branch")
    private String branch;

    /**
     * Returns once done instead of keeping the embedded server up; the server then stops with Maven, unless
     * another process uses it (a {@code lakebase:connect}), and the next start takes another port.
     */
    @Parameter(property = "lakebase.no-wait", defaultValue = "false")
    private boolean noWait;

    @Override
    List<String> arguments() throws MojoFailureException {
        return onBranch("create", branch, noWait);
    }
}
