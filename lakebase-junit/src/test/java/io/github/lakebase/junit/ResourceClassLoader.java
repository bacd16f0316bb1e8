package io.github.lakebase.junit;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The test class path with the resources of a directory added and some of its own hidden, set as the context class
 * loader while a fixture runs: what the library sees of a project's resources ({@code db/migration}, {@code
 * db/changelog}, {@code junit-platform.properties}) without changing the class path of the other tests.
 */
final class ResourceClassLoader extends URLClassLoader {

    private final List<String> hidden;
    /** Told the name of every resource asked for. */
    private final Consumer<String> asked;

    private ResourceClassLoader(Path added, List<String> hidden, Consumer<String> asked) throws MalformedURLException {
        super(new URL[] {added.toUri().toURL()}, ResourceClassLoader.class.getClassLoader());
        this.hidden = hidden;
        this.asked = asked;
    }

    /** Runs {@code run} with the resources under {@code added} visible and those under {@code hidden} not. */
    static <T> T with(Path added, List<String> hidden, Supplier<T> run) throws IOException {
        return with(added, hidden, name -> {}, run);
    }

    /**
     * {@link #with(Path, List, Supplier)}, telling {@code asked} the name of every resource asked for ({@code
     * getResource}, {@code getResources}), on the thread that asks.
     */
    static <T> T with(Path added, List<String> hidden, Consumer<String> asked, Supplier<T> run) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (ResourceClassLoader loader = new ResourceClassLoader(added, hidden, asked)) {
            thread.setContextClassLoader(loader);
            return run.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private boolean isHidden(String name) {
        return hidden.stream().anyMatch(name::startsWith);
    }

    @Override
    public URL getResource(String name) {
        asked.accept(name);
        if (isHidden(name)) {
            return null;
        }
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        asked.accept(name);
        return isHidden(name) ? Collections.emptyEnumeration() : super.getResources(name);
    }
}
