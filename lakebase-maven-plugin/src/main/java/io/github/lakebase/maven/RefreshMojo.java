package io.github.lakebase.maven;

import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Refreshes a developer branch: forks it again from its parent's current state and migrates it again, under
 * the same name and settings (unlike {@code Branch.reset()}, which returns a test's branch to its base).
 *
 * <pre>./mvnw lakebase:refresh -Dlakebase.branch=alice</pre>
 */
@Mojo(name = "refresh", requiresDependencyResolution = ResolutionScope.TEST, requiresProject = true, threadSafe = true)
public class RefreshMojo extends BranchesMojo {

    /** Created by Maven. */
    public RefreshMojo() {}

    /** The developer branch, as {@code lakebase:create} was given it. */
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
        return onBranch("refresh", branch, noWait);
    }
}
