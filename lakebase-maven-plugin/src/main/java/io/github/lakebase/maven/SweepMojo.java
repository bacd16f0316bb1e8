package io.github.lakebase.maven;

import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Drops what runs that died left behind, and branches kept for failed tests whose {@code lakebase.kept-ttl}
 * has passed; never a branch kept by {@code NEVER} or a developer branch.
 *
 * <pre>./mvnw lakebase:sweep</pre>
 */
@Mojo(name = "sweep", requiresDependencyResolution = ResolutionScope.TEST, requiresProject = true, threadSafe = true)
public class SweepMojo extends BranchesMojo {

    /** Created by Maven. */
    public SweepMojo() {}

    @Override
    List<String> arguments() {
        return List.of("sweep");
    }
}
