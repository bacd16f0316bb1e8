package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operating-system user that PostgreSQL runs as. PostgreSQL refuses to run as root, so when
 * the JVM runs as root (CI containers, many build machines) the server's commands are run through
 * {@code setpriv} (or {@code runuser}) as an unprivileged user: {@code lakebase.embedded.os-user},
 * else {@code postgres} where that user exists, else {@code nobody}. Otherwise they run as the JVM's
 * own user, unchanged.
 */
final class OsUser {

    /** What {@code id} says of a user: {@code uid=101(postgres) gid=104(postgres) ...} (POSIX, in the C locale). */
    private static final Pattern IDS = Pattern.compile("uid=(\\d+)(?:\\([^)]*\\))? gid=(\\d+)");

    /** The local users' file, passwd(5). */
    static final String PASSWD = "/etc/passwd";
    /** Where the machine says how it looks users up, nsswitch.conf(5). */
    static final String NSSWITCH = "/etc/nsswitch.conf";

    private final String name;
    /** The user's ids, where commands run as another user; else null. */
    private final Ids ids;

    private final List<String> prefix;

    private OsUser(String name, Ids ids, List<String> prefix) {
        this.name = name;
        this.ids = ids;
        this.prefix = prefix;
    }

    /** A user's ids, as unsigned numbers (up to 4294967295). */
    record Ids(int uid, int gid) {}

    static OsUser resolve(Optional<String> configured) {
        if (!runningAsRoot()) {
            configured.ifPresent(user -> {
                if (!user.equals(System.getProperty("user.name"))) {
                    throw ProviderException.configuration(
                            "lakebase.embedded.os-user='" + user + "' needs the JVM to run " + "as root (it runs as '"
                                    + System.getProperty("user.name") + "'); remove the key.");
                }
            });
            return new OsUser(System.getProperty("user.name"), null, List.of());
        }
        String user = configured.orElse("postgres");
        Lookup lookup = lookup(Path.of(NSSWITCH));
        Optional<Ids> ids = ids(user, lookup);
        if (ids.isEmpty() && configured.isEmpty()) {
            user = "nobody";
            ids = ids(user, lookup);
        }
        if (ids.isEmpty()) {
            throw ProviderException.configuration(
                    "lakebase.embedded.os-user='" + user + "' is not a user of this machine; "
                            + "PostgreSQL refuses to run as root, so the embedded server needs an unprivileged user to run as.");
        }
        int uid = ids.get().uid();
        int gid = ids.get().gid();
        List<String> prefix = new ArrayList<>();
        Optional<Path> setpriv = onPath("setpriv");
        Optional<Path> runuser = onPath("runuser");
        if (setpriv.isPresent()) {
            prefix.addAll(List.of(
                    setpriv.get().toString(),
                    "--reuid=" + Integer.toUnsignedString(uid),
                    "--regid=" + Integer.toUnsignedString(gid),
                    "--clear-groups",
                    "--"));
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
        return new OsUser(user, ids.get(), List.copyOf(prefix));
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

    /**
     * This user's numeric ids ({@code uid:gid}) where commands run as another user, else the empty string: what
     * files made for the server are owned by, which a user's name alone does not say once ids change.
     */
    String ids() {
        return ids == null ? "" : Integer.toUnsignedString(ids.uid()) + ":" + Integer.toUnsignedString(ids.gid());
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
        // By number: a lookup by name would take a group whose name is that number (the JDK looks names up first).
        // Without following a link: a JVM running as root never hands what a link points to to the user.
        Files.setAttribute(path, "unix:uid", ids.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", ids.gid(), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Checks that this user can reach {@code dir}: every directory above it must be searchable by others
     * when the server runs as a different user than the JVM.
     *
     * @param what what the directory is, to start the message with, e.g. {@code "The data directory"}
     * @param key the configuration key that moves it
     */
    void checkCanReach(Path dir, String what, String key) {
        check(dir, unreachableAncestor(dir), what, key);
    }

    /**
     * Checks that this user can enter {@code dir}, which the library made: every directory above it, and
     * the directory itself, must be searchable by others when the server runs as a different user.
     *
     * @param what what the directory is, to start the message with, e.g. {@code "The binaries directory"}
     * @param key the configuration key that moves it
     */
    void checkCanEnter(Path dir, String what, String key) {
        check(dir, unreachableAncestor(dir.resolve("entry")), what, key);
    }

    private void check(Path dir, Optional<Path> blocker, String what, String key) {
        if (blocker.isEmpty()) {
            return;
        }
        Path p = blocker.get();
        String example = reachablePlaceOutside(p)
                .map(place -> ", for example under " + place)
                .orElse("");
        throw ProviderException.configuration(what + " " + dir + " cannot be reached by the OS user '" + name
                + "' that PostgreSQL runs as (the JVM runs as root, and PostgreSQL refuses to run as root): " + p
                + " is not searchable by others. Set " + key + " to a directory that '" + name + "' can reach"
                + example + ", or let others search " + p + " (chmod o+x " + p + ").");
    }

    /** Whether this user can reach {@code dir} (it need not exist yet). */
    boolean canReach(Path dir) {
        return unreachableAncestor(dir).isEmpty();
    }

    /**
     * The first directory above {@code dir} (from the root down) that this user cannot search, when the
     * server runs as another user than the JVM; directories that do not exist yet do not count, as the
     * library creates them searchable.
     */
    Optional<Path> unreachableAncestor(Path dir) {
        if (!switchesUser()) {
            return Optional.empty();
        }
        List<Path> above = new ArrayList<>();
        for (Path p = dir.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
            above.add(0, p);
        }
        for (Path p : above) {
            try {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return Optional.of(p);
                }
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.empty(); // cannot tell: the server's own error says what it is
            }
        }
        return Optional.empty();
    }

    /** A directory this user can reach that is not under {@code blocker}, to suggest in a message. */
    private Optional<Path> reachablePlaceOutside(Path blocker) {
        return java.util.stream.Stream.of(System.getProperty("java.io.tmpdir"), "/var/tmp", "/tmp")
                .filter(java.util.Objects::nonNull)
                .map(d -> Path.of(d).toAbsolutePath().normalize())
                .filter(d -> !d.startsWith(blocker))
                .filter(Files::isDirectory)
                .filter(d -> canReach(d.resolve("lakebase-junit")))
                .findFirst();
    }

    /**
     * How this machine looks users up, as the {@code passwd} line of its nsswitch.conf(5) says: where the local
     * users' file comes first, a user it lists is the user every lookup finds, and a process to ask is not needed.
     */
    enum Lookup {
        /** The file alone ({@code passwd: files}): a user it does not list does not exist. */
        FILES_ONLY,
        /** The file first ({@code files systemd}, {@code compat}, or no such line: glibc's default is the file). */
        FILES_FIRST,
        /** Another source first ({@code sss files}, {@code ldap}): only {@code id} says what a lookup finds. */
        OTHER
    }

    /** The lookup the machine's {@code nsswitch} file describes; {@link Lookup#FILES_FIRST} when it has none. */
    static Lookup lookup(Path nsswitch) {
        List<String> lines;
        try {
            lines = Files.readAllLines(nsswitch, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return Lookup.FILES_FIRST;
        }
        for (String line : lines) {
            String setting = line.replaceFirst("#.*", "").strip();
            if (!setting.startsWith("passwd:")) {
                continue;
            }
            List<String> sources = List.of(setting.substring("passwd:".length())
                    .replaceAll("\\[[^]]*]", " ") // actions such as [NOTFOUND=return]
                    .strip()
                    .split("\\s+"));
            if (sources.equals(List.of("files"))) {
                return Lookup.FILES_ONLY;
            }
            return sources.get(0).equals("files") || sources.get(0).equals("compat")
                    ? Lookup.FILES_FIRST
                    : Lookup.OTHER;
        }
        return Lookup.FILES_FIRST;
    }

    /**
     * The ids of {@code user} on a machine that looks users up as {@code lookup} says: from {@value #PASSWD} where
     * the machine looks there first and the file lists the user, which costs no process (a new JVM's first one costs
     * it tens of milliseconds on the server's start); else from one run of {@code id}, which asks every source of
     * users the machine has (LDAP, SSSD, systemd's dynamic users). Empty when there is no such user.
     */
    private static Optional<Ids> ids(String user, Lookup lookup) {
        if (lookup == Lookup.OTHER) {
            return fromId(user);
        }
        try {
            Optional<Ids> listed = fromPasswd(Path.of(PASSWD), user);
            return listed.isPresent() || lookup == Lookup.FILES_ONLY ? listed : fromId(user);
        } catch (IOException e) { // unreadable, or the user's line is not one passwd(5) describes
            return fromId(user);
        }
    }

    /**
     * The ids of {@code user} as the file {@code passwd} lists them ({@code name:password:UID:GID:...}, passwd(5)),
     * from its first line of that name; empty when no line has it.
     *
     * @throws IOException when the file cannot be read, or the user's line has no numeric ids
     */
    static Optional<Ids> fromPasswd(Path passwd, String user) throws IOException {
        // Byte by byte: a comment field in another encoding than UTF-8 must not hide the user's line.
        String name = new String(user.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        for (String line : Files.readAllLines(passwd, StandardCharsets.ISO_8859_1)) {
            String[] fields = line.split(":", -1);
            if (!fields[0].equals(name)) {
                continue;
            }
            String malformed = "The line of '" + user + "' in " + passwd + " is not one passwd(5) describes";
            if (fields.length < 7) {
                throw new IOException(malformed);
            }
            try {
                return Optional.of(new Ids(Integer.parseUnsignedInt(fields[2]), Integer.parseUnsignedInt(fields[3])));
            } catch (NumberFormatException e) {
                throw new IOException(malformed, e);
            }
        }
        return Optional.empty();
    }

    /** The ids of {@code user}, from one run of {@code id}; empty when there is no such user. */
    private static Optional<Ids> fromId(String user) {
        try {
            Process p =
                    ChildProcesses.builder("id", user).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                return Optional.empty();
            }
            Matcher m = IDS.matcher(out);
            if (!m.lookingAt()) {
                throw new ProviderException(
                        "Could not read the ids of the OS user '" + user + "' from id: " + out, null);
            }
            return Optional.of(new Ids(Integer.parseUnsignedInt(m.group(1)), Integer.parseUnsignedInt(m.group(2))));
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
