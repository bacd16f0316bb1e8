package io.github.lakebase.maven;

import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Lists the library's branches: those tests kept, with the test that failed, when, size and expiry, and
 * developer branches. No password is printed.
 *
 * <pre>./mvnw lakebase:list</pre>
 */
@Mojo(name = "list", requiresDependencyResolution = ResolutionScope.TEST, requiresProject = true, threadSafe = true)
public class ListMojo extends BranchesMojo {

    /** Created by Maven. */
    public ListMojo() {}

    @Override
    List<String> arguments() {
        return List.of("list");
    }
}
