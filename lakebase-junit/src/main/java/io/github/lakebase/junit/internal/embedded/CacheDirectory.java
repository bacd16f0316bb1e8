package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the embedded server keeps its files (binaries, data directories): the user's cache, kept from
 * run to run. {@code $XDG_CACHE_HOME/lakebase-junit} or {@code ~/.cache/lakebase-junit} on Linux,
 * {@code ~/Library/Caches/lakebase-junit} on macOS, {@code %LOCALAPPDATA%\lakebase-junit} on Windows;
 * {@code lakebase.embedded.cache-directory} when set.
 *
 * <p>When the JVM runs as root, the server runs as another OS user, who usually cannot enter root's home:
 * then the cache is {@code /var/cache/lakebase-junit}, else {@code /var/tmp/lakebase-junit-<uid>}. A user
 * whose cache cannot be created (no home) gets {@code <java.io.tmpdir>/lakebase-junit-<uid>}. Either
 * choice is logged once, with the reason.
 *
 * <pre>{@code
 * Path cache = CacheDirectory.resolve(null, osUser); // e.g. /home/ada/.cache/lakebase-junit
 * }</pre>
 */
final class CacheDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(CacheDirectory.class);
    private static final String NAME = "lakebase-junit";
    private static final Set<Path> ANNOUNCED = ConcurrentHashMap.newKeySet();

    private CacheDirectory() {}

    /**
     * The cache directory, created.
     *
     * @param configured {@code lakebase.embedded.cache-directory}, or {@code null} for the default
     * @param osUser who the server runs as
     * @return the directory, absolute, and within the server's reach
     */
    static Path resolve(Path configured, OsUser osUser) {
        if (configured != null) {
            Path dir = configured.toAbsolutePath().normalize();
            try {
                Directories.create(dir);
            } catch (IOException e) {
                throw ProviderException.configuration("Could not create the cache directory " + dir + " ("
                        + Keys.CACHE_DIRECTORY + "): " + describe(e) + ". Set " + Keys.CACHE_DIRECTORY
                        + " to a directory this JVM can write to.");
            }
            osUser.checkCanEnter(dir, "The cache directory", Keys.CACHE_DIRECTORY);
            return dir;
        }
        Path preferred = perUser(System.getenv(), System.getProperty("os.name"), System.getProperty("user.home"));
        List<Path> candidates = new ArrayList<>(List.of(preferred));
        if (osUser.switchesUser()) {
            candidates.add(Path.of("/var/cache", NAME));
            candidates.add(Path.of("/var/tmp", NAME + "-" + ProcessUser.id()));
        } else {
            candidates.add(Path.of(System.getProperty("java.io.tmpdir"), NAME + "-" + ProcessUser.id()));
        }
        List<String> refused = new ArrayList<>();
        for (Path candidate : candidates) {
            String problem = problem(candidate, candidate.equals(preferred), osUser);
            if (problem == null) {
                if (!candidate.equals(preferred) && ANNOUNCED.add(candidate)) {
                    LOG.info(
                            "lakebase-junit keeps its files in {}: {}. Set {} to choose another place.",
                            candidate,
                            String.join("; ", refused),
                            Keys.CACHE_DIRECTORY);
                }
                return candidate;
            }
            refused.add(problem);
        }
        throw ProviderException.configuration("Found no place for lakebase-junit's files: "
                + String.join("; ", refused) + ". Set " + Keys.CACHE_DIRECTORY + " to a directory this JVM can write to"
                + (osUser.switchesUser() ? " and the OS user '" + osUser.name() + "' can reach." : "."));
    }

    /**
     * The user's cache of the library on this operating system (not created).
     *
     * @param environment the process environment ({@code XDG_CACHE_HOME}, {@code HOME}, {@code LOCALAPPDATA})
     * @param osName the {@code os.name} property
     * @param userHome the {@code user.home} property, used where {@code HOME} is not set
     */
    static Path perUser(Map<String, String> environment, String osName, String userHome) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String local = environment.get("LOCALAPPDATA");
            return local != null && !local.isBlank()
                    ? Path.of(local, NAME)
                    : Path.of(userHome, "AppData", "Local", NAME);
        }
        String homeVariable = environment.get("HOME");
        Path home = homeVariable != null && homeVariable.startsWith("/") ? Path.of(homeVariable) : Path.of(userHome);
        if (os.contains("mac") || os.contains("darwin")) {
            return home.resolve("Library").resolve("Caches").resolve(NAME);
        }
        String xdg = environment.get("XDG_CACHE_HOME");
        return xdg != null && xdg.startsWith("/")
                ? Path.of(xdg, NAME)
                : home.resolve(".cache").resolve(NAME);
    }

    /** Why {@code candidate} cannot be the cache, or {@code null} once it is created and usable. */
    private static String problem(Path candidate, boolean own, OsUser osUser) {
        if (!osUser.canReach(candidate.resolve("binaries"))) {
            return "the OS user '" + osUser.name() + "' that PostgreSQL runs as cannot reach " + candidate + " ("
                    + osUser.unreachableAncestor(candidate.resolve("binaries")).orElseThrow()
                    + " is not searchable by others)";
        }
        // A directory in a place every user writes to must be this user's, not one someone else made there.
        if (!own && Files.exists(candidate, LinkOption.NOFOLLOW_LINKS) && !ProcessUser.owns(candidate)) {
            return candidate + " exists, and is not a directory of this JVM's user";
        }
        try {
            Directories.create(candidate);
            return null;
        } catch (IOException e) {
            return "cannot create " + candidate + " (" + describe(e) + ")";
        }
    }

    private static String describe(IOException e) {
        String type = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? type : type + ": " + e.getMessage();
    }
}
