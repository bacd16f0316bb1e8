package io.github.lakebase.maven;

import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * What every goal does: runs lakebase-junit's command line ({@code io.github.lakebase.junit.cli.Branches})
 * with the project's test class path, as the project's tests run, so that it reads the same configuration
 * ({@code junit-platform.properties}, {@code -D} properties, environment) and finds the same migrations. The
 * goals take the lakebase-junit of that class path, whatever version it is.
 */
abstract class BranchesMojo extends AbstractMojo {

    static final String MAIN_CLASS = "io.github.lakebase.junit.cli.Branches";
    /** The configuration key of the module's directory. */
    static final String MODULE_DIRECTORY = "lakebase.module-directory";

    private static final Map<List<URL>, ClassLoader> LOADERS = new ConcurrentHashMap<>();
    /** Held while a goal runs: the goals of modules built in parallel ({@code -T}) take turns. */
    private static final ReentrantLock TURN = new ReentrantLock();
    /** The loader whose copy of the library ran the last goal; guarded by {@link #TURN}. */
    private static ClassLoader last;
    /** The goal that holds {@link #TURN}, for the message of a goal that waits for it. */
    private static volatile String running = "";

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The command line's words for this goal, for example {@code create alice --no-wait}. */
    abstract List<String> arguments() throws MojoFailureException;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        List<String> args = arguments();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            ClassLoader loader = loader();
            Class<?> main = main(loader);
            if (main == null) {
                getLog().info("Skipped: " + project.getId() + " has no lakebase-junit on its test class path.");
                return;
            }
            int status;
            takeTurn(args);
            try {
                if (last != null && last != loader) {
                    close(last);
                }
                last = loader;
                thread.setContextClassLoader(loader);
                status = run(main, args);
            } finally {
                running = "";
                TURN.unlock();
            }
            if (status != 0) {
                throw new MojoFailureException(
                        "lakebase " + String.join(" ", args) + " failed: see the message above.");
            }
        } catch (InvocationTargetException e) {
            throw new MojoExecutionException("lakebase " + String.join(" ", args) + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new MojoExecutionException("Could not run " + MAIN_CLASS + ": " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Runs the command line with the module's directory as {@value #MODULE_DIRECTORY}, as Surefire gives it to the
     * module's tests (in {@code basedir}), unless {@code -D} gives one; Maven runs in whatever directory it was
     * started in, often the root of a multi-module build. A lakebase-junit that takes no parameters from its caller
     * runs without it.
     */
    private int run(Class<?> main, List<String> args) throws ReflectiveOperationException {
        Method run;
        try {
            run = main.getMethod("run", List.class, Map.class, PrintStream.class, PrintStream.class);
        } catch (NoSuchMethodException e) {
            return (Integer) main.getMethod("run", String[].class).invoke(null, (Object) args.toArray(String[]::new));
        }
        Map<String, String> parameters = System.getProperty(MODULE_DIRECTORY) != null
                ? Map.of()
                : Map.of(MODULE_DIRECTORY, project.getBasedir().getAbsolutePath());
        return (Integer) run.invoke(null, args, parameters, System.out, System.err);
    }

    /**
     * Waits for the goal of another module built in parallel to end, saying so when it has to: a goal that keeps the
     * server up until Ctrl+C ({@code lakebase:connect} without {@code -Dlakebase.no-wait}) ends only then.
     */
    private void takeTurn(List<String> args) throws MojoExecutionException {
        if (!TURN.tryLock()) {
            String other = running.isEmpty() ? "another module's lakebase goal" : running;
            getLog().info("Waiting for " + other + " to end: the lakebase goals of a build's modules take turns.");
            try {
                TURN.lockInterruptibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MojoExecutionException("Interrupted while waiting for " + other, e);
            }
        }
        running = "lakebase " + String.join(" ", args) + " of " + project.getId();
    }

    /**
     * Ends the copy of the library that {@code loader} holds, which ran the goals of another module: it locks the
     * files of the embedded server it started or joined (the binaries, the data directory), which a second copy in
     * this JVM could not lock in turn. The next module's copy then starts the server again, or joins it. A
     * lakebase-junit without {@code Branches.close()} is left as it is.
     */
    private void close(ClassLoader loader) throws ReflectiveOperationException {
        Method close;
        try {
            close = main(loader).getMethod("close"); // a loader is kept only once it has the main class
        } catch (NoSuchMethodException e) {
            return;
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            close.invoke(null);
        } catch (InvocationTargetException e) {
            getLog().warn("Ending the lakebase-junit of the module that ran the previous lakebase goal failed: "
                    + e.getCause());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /**
     * One class loader per test class path for the whole Maven run, never closed: goals of one module that follow
     * one another (lakebase:create lakebase:list) share the library's engine, and with it the embedded server it
     * started, which stops when Maven exits or when another module's goal runs ({@link #close}).
     */
    private ClassLoader loader() throws MojoExecutionException {
        URL[] classPath = testClassPath();
        return LOADERS.computeIfAbsent(
                Arrays.asList(classPath), urls -> new URLClassLoader(classPath, ClassLoader.getPlatformClassLoader()));
    }

    /** The command line's main class, or {@code null} when the project's tests do not use lakebase-junit. */
    private static Class<?> main(ClassLoader loader) {
        try {
            return loader.loadClass(MAIN_CLASS);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private URL[] testClassPath() throws MojoExecutionException {
        try {
            List<URL> urls = new ArrayList<>();
            for (String element : project.getTestClasspathElements()) {
                urls.add(new File(element).toURI().toURL());
            }
            return urls.toArray(URL[]::new);
        } catch (DependencyResolutionRequiredException | MalformedURLException e) {
            throw new MojoExecutionException("Could not resolve the test class path: " + e.getMessage(), e);
        }
    }

    /**
     * The arguments of a verb that acts on one branch ({@code connect}, {@code create}, {@code refresh}), with
     * {@code --no-wait} when asked for.
     *
     * @throws MojoFailureException when {@code -Dlakebase.branch} is missing
     */
    static List<String> onBranch(String verb, String branch, boolean noWait) throws MojoFailureException {
        List<String> args = new ArrayList<>(List.of(verb, required(branch, "lakebase.branch")));
        if (noWait) {
            args.add("--no-wait");
        }
        return args;
    }

    /** {@code name}, required. */
    static String required(String name, String property) throws MojoFailureException {
        if (name == null || name.isBlank()) {
            throw new MojoFailureException("Name the branch with -D" + property + "=NAME.");
        }
        return name;
    }
}
