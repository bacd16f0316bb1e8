package io.github.lakebase.junit.internal.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings the embedded server runs with ({@code -c name=value} on its command line), and a warning where a run
 * finds a server on its data directory that was started with other settings than it asks for: a run that shares a
 * server keeps the settings it was started with (another test JVM's, or an earlier run's that left it lingering).
 *
 * <pre>{@code
 * Map<String, String> settings = ServerSettings.of(options);
 * ServerSettings.warnIfOther(dataDirectory, settings);   // once this run uses the server on it
 * }</pre>
 */
final class ServerSettings {

    private static final Logger LOG = LoggerFactory.getLogger(ServerSettings.class);

    /**
     * The file in which the server notes the command line it was started with, each argument in double quotes
     * (PostgreSQL's {@code CreateOptsFile}, {@code src/backend/utils/init/miscinit.c}).
     */
    static final String OPTIONS_FILE = "postmaster.opts";

    private static final Pattern ARGUMENT = Pattern.compile("\"([^\"]*)\"");

    private ServerSettings() {}

    /** The settings a run with {@code options} starts its server with: the library's, then the user's. */
    static Map<String, String> of(EmbeddedServer.Options options) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", InetAddress.getLoopbackAddress().getHostAddress());
        s.put("unix_socket_directories", "");
        s.put("max_connections", Integer.toString(options.maxConnections()));
        s.put("fsync", "off");
        s.put("synchronous_commit", "off");
        s.put("full_page_writes", "off");
        s.put("wal_level", "minimal");
        s.put("max_wal_senders", "0");
        s.put("max_wal_size", "2GB");
        s.put("checkpoint_timeout", "30min");
        s.put("file_copy_method", "clone");
        s.put("shared_buffers", "128MB");
        s.put("log_min_messages", "warning");
        s.put("log_checkpoints", "off");
        s.put("timezone", "UTC");
        s.putAll(options.settings());
        return s;
    }

    /**
     * The {@code -c} settings that the server running on {@code dataDirectory} was started with, from its {@value
     * #OPTIONS_FILE}; empty when the file is missing or cannot be read as the library writes command lines.
     */
    static Optional<Map<String, String>> startedWith(Path dataDirectory) {
        String line;
        try {
            line = Files.readString(dataDirectory.resolve(OPTIONS_FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.debug("Could not read the settings the server on {} was started with: {}", dataDirectory, e.toString());
            return Optional.empty();
        }
        List<String> arguments = new ArrayList<>();
        Matcher m = ARGUMENT.matcher(line);
        while (m.find()) {
            arguments.add(m.group(1));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < arguments.size(); i++) {
            if (arguments.get(i).equals("-c")) {
                if (i + 1 == arguments.size() || arguments.get(i + 1).indexOf('=') < 0) {
                    return Optional.empty(); // not a command line the library wrote
                }
                String setting = arguments.get(++i);
                settings.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
            }
        }
        return Optional.of(settings);
    }

    /**
     * Warns when the server that runs on {@code dataDirectory} was started with other settings than {@code asked}: the
     * run that found it shares it, with the settings it has.
     *
     * @return the settings that differ, each as {@code name=its value (this run: value)}; empty when none does, or
     *     the server's settings cannot be read
     */
    static List<String> warnIfOther(Path dataDirectory, Map<String, String> asked) {
        Map<String, String> running = startedWith(dataDirectory).orElse(null);
        if (running == null) {
            return List.of();
        }
        List<String> differing = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(running.keySet());
        names.addAll(asked.keySet());
        for (String name : names) {
            String its = running.get(name);
            String ours = asked.get(name);
            if (its == null || !its.equals(ours)) {
                differing.add(name + (its == null ? " unset" : "=" + its) + " (this run: "
                        + (ours == null ? "unset" : ours) + ")");
            }
        }
        if (!differing.isEmpty()) {
            LOG.warn(
                    "The embedded PostgreSQL server on {} was started with other settings than this run asks for, "
                            + "and keeps them while this run uses it: {}. Give every run on this data directory the "
                            + "same lakebase.embedded.* settings, or let the server stop first.",
                    dataDirectory,
                    String.join(", ", differing));
        }
        return differing;
    }
}
