package io.github.lakebase.maven;

import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Drops a branch by name, or every branch tests kept ({@code -Dlakebase.kept}), or those kept longer ago
 * than a duration ({@code -Dlakebase.older-than=3d}). Developer branches go only by name.
 *
 * <pre>
 * ./mvnw lakebase:drop -Dlakebase.branch=alice
 * ./mvnw lakebase:drop -Dlakebase.kept
 * ./mvnw lakebase:drop -Dlakebase.older-than=3d
 * </pre>
 */
@Mojo(name = "drop", requiresDependencyResolution = ResolutionScope.TEST, requiresProject = true, threadSafe = true)
public class DropMojo extends BranchesMojo {

    /** Created by Maven. */
    public DropMojo() {}

    /** The branch to drop. */
    @Parameter(property = "lakebase.branch")
    private String branch;

    /** Drops every branch that tests kept. */
    @Parameter(property = "lakebase.kept", defaultValue = "false")
    private boolean kept;

    /** Drops the branches tests kept longer ago than this: {@code 3d}, {@code 12h}, {@code PT30M}. */
    @Parameter(property = "lakebase.older-than")
    private String olderThan;

    @Override
    List<String> arguments() throws MojoFailureException {
        List<String> args = new ArrayList<>(List.of("drop"));
        if (branch != null && !branch.isBlank()) {
            args.add(branch);
        } else if (!kept && (olderThan == null || olderThan.isBlank())) {
            throw new MojoFailureException(
                    "Say what to drop: -Dlakebase.branch=NAME, -Dlakebase.kept, or -Dlakebase.older-than=3d.");
        }
        if (kept) {
            args.add("--kept");
        }
        if (olderThan != null && !olderThan.isBlank()) {
            args.addAll(List.of("--older-than", olderThan));
        }
        return args;
    }
}
