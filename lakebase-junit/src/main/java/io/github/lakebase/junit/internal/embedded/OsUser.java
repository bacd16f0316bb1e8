package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operating-system user that PostgreSQL runs as. PostgreSQL refuses to run as root, so when
 * the JVM runs as root (CI containers, many build machines) the server's commands are run through
 * {@code setpriv} (or {@code runuser}) as an unprivileged user: {@code lakebase.embedded.os-user},
 * else {@code postgres} where that user exists, else {@code nobody}. Otherwise they run as the JVM's
 * own user, unchanged.
 */
final class OsUser {

    private final String name;
    private final List<String> prefix;

    private OsUser(String name, List<String> prefix) {
        this.name = name;
        this.prefix = prefix;
    }

    static OsUser resolve(Optional<String> configured) {
        if (!runningAsRoot()) {
            configured.ifPresent(user -> {
                if (!user.equals(System.getProperty("user.name"))) {
                    throw ProviderException.configuration(
                            "lakebase.embedded.os-user='" + user + "' needs the JVM to run " + "as root (it runs as '"
                                    + System.getProperty("user.name") + "'); remove the key.");
                }
            });
            return new OsUser(System.getProperty("user.name"), List.of());
        }
        String user = configured.orElseGet(() -> userExists("postgres") ? "postgres" : "nobody");
        if (!userExists(user)) {
            throw ProviderException.configuration(
                    "lakebase.embedded.os-user='" + user + "' is not a user of this machine; "
                            + "PostgreSQL refuses to run as root, so the embedded server needs an unprivileged user to run as.");
        }
        String uid = id("-u", user);
        String gid = id("-g", user);
        List<String> prefix = new ArrayList<>();
        Optional<Path> setpriv = onPath("setpriv");
        Optional<Path> runuser = onPath("runuser");
        if (setpriv.isPresent()) {
            prefix.addAll(
                    List.of(setpriv.get().toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
        } else if (runuser.isPresent()) {
            prefix.addAll(List.of(runuser.get().toString(), "-u", user, "--"));
        } else {
            throw new ProviderException(
                    "The JVM runs as root and PostgreSQL refuses to run as root, but neither setpriv "
                            + "nor runuser (util-linux) is installed to run it as '" + user
                            + "'. Install util-linux, run the "
                            + "tests as a normal user, or use lakebase.provider=postgres.",
                    null);
        }
        return new OsUser(user, List.copyOf(prefix));
    }

    static boolean runningAsRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    String name() {
        return name;
    }

    boolean switchesUser() {
        return !prefix.isEmpty();
    }

    /** The command line that runs {@code command} as this user. */
    List<String> command(List<String> command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(command);
        return all;
    }

    /** Hands {@code path} (not recursively) to this user, when the JVM runs as someone else. */
    void own(Path path) throws IOException {
        if (!switchesUser()) {
            return;
        }
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(name);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(id("-gn", name));
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
    }

    /**
     * Checks that this user can reach {@code dir}: every parent must be searchable by others when
     * the server runs as a different user than the JVM.
     */
    void checkCanReach(Path dir, String what) {
        if (!switchesUser()) {
            return;
        }
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            try {
                var perms = Files.getPosixFilePermissions(p);
                if (!perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    throw ProviderException.configuration(what + " " + dir + " cannot be reached by the OS user '"
                            + name
                            + "' that PostgreSQL runs as (the JVM runs as root, and PostgreSQL refuses to run as root): "
                            + p + " is not searchable by others. Choose a directory outside it, for example under "
                            + System.getProperty("java.io.tmpdir") + ".");
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static boolean userExists(String user) {
        try {
            Process p = new ProcessBuilder("id", "-u", user)
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String id(String flag, String user) {
        try {
            Process p = new ProcessBuilder("id", flag, user).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0 || out.isEmpty()) {
                throw new ProviderException("Could not look up the OS user '" + user + "' with id " + flag, null);
            }
            return out;
        } catch (IOException e) {
            throw new ProviderException("Could not look up the OS user '" + user + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("Interrupted while looking up the OS user '" + user + "'", e);
        }
    }

    private static Optional<Path> onPath(String tool) {
        List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(0, List.of(path.split(java.io.File.pathSeparator)));
        }
        return dirs.stream()
                .map(d -> Path.of(d, tool))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
