package io.github.lakebase.junit.internal.util;

import static io.github.lakebase.junit.internal.util.ProtocolMessages.body;
import static io.github.lakebase.junit.internal.util.ProtocolMessages.readBody;
import static io.github.lakebase.junit.internal.util.ProtocolMessages.readCString;
import static io.github.lakebase.junit.internal.util.ProtocolMessages.write;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * A stand-in for a PostgreSQL server on the loopback interface, inside this JVM, that speaks just enough of the
 * frontend/backend protocol (version 3.0) for a client to log in with SCRAM-SHA-256 and run queries that each
 * return one row of one text column (any other simple query, none): so that {@link DriverPaths} can run the JDBC driver's whole path of a login
 * and of a query before any server is up. It holds no data, answers every query alike, and accepts one password,
 * {@link #PASSWORD}, for any user and database; it serves one connection at a time, on an ephemeral port, until
 * closed.
 *
 * <p>What it sends follows PostgreSQL's documentation of the protocol: <a
 * href="https://www.postgresql.org/docs/current/protocol-flow.html">Message Flow</a> (start-up, SASL authentication,
 * the extended query protocol) and <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html"
 * >Message Formats</a>; the SCRAM-SHA-256 exchange follows RFC 5802 and RFC 7677, as <a
 * href="https://www.postgresql.org/docs/current/sasl-authentication.html">SASL Authentication</a> describes it
 * (no channel binding, the user name in the message ignored).
 *
 * <pre>{@code
 * try (StandInServer server = StandInServer.start()) {
 *     DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/any", "any", StandInServer.PASSWORD);
 *     ...
 * }
 * }</pre>
 */
final class StandInServer implements AutoCloseable {

    /** The only password the stand-in accepts; a client with another one gets PostgreSQL's error for it. */
    static final String PASSWORD = "stand-in";

    /** How far a client got on the stand-in's last connection. */
    enum Reached {
        NOTHING,
        LOGGED_IN,
        QUERIED
    }

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    /** The object id of the type {@code text}. */
    private static final int TEXT = 25;
    /** A parameter of a query: {@code $1}, {@code $2}, ... */
    private static final Pattern PARAMETER = Pattern.compile("\\$(\\d{1,4})");

    private final ServerSocket listener;
    /** How far a client got, never lowered: another connection does not hide how far the driver's got. */
    private final AtomicReference<Reached> reached = new AtomicReference<>(Reached.NOTHING);
    /** The connection being served, closed with the stand-in; null between connections. */
    private volatile Socket serving;

    private StandInServer(ServerSocket listener) {
        this.listener = listener;
    }

    /**
     * Listens on an ephemeral port of the loopback interface and serves connections, one at a time, in a daemon
     * thread, until closed.
     *
     * @throws IOException when the JVM cannot listen on the loopback interface
     */
    static StandInServer start() throws IOException {
        StandInServer server = new StandInServer(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        try {
            DaemonThreads.named("lakebase-junit-jdbc-warm-up")
                    .newThread(server::serve)
                    .start();
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** How far the furthest client got: logged in, or through a query too. */
    Reached reached() {
        return reached.get();
    }

    @Override
    public void close() throws IOException {
        try {
            listener.close();
        } finally {
            Socket connection = serving;
            if (connection != null) {
                connection.close(); // a client that stalls, reading or writing, holds nothing past the close
            }
        }
    }

    /** Serves one connection after another until the listener is closed, or fails to accept one. */
    private void serve() {
        while (true) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return; // closed; or a listener that fails once would fail again
            }
            serving = socket;
            try (socket) {
                socket.setSoTimeout(5_000);
                converse(
                        new DataInputStream(new BufferedInputStream(socket.getInputStream())),
                        new DataOutputStream(new BufferedOutputStream(socket.getOutputStream())));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                // The client left, or sent what the stand-in does not answer.
            } finally {
                serving = null;
            }
        }
    }

    private void reach(Reached now) {
        reached.accumulateAndGet(now, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }

    private void converse(DataInputStream in, DataOutputStream out) throws IOException, GeneralSecurityException {
        byte[] startup = startupPacket(in);
        int code = code(startup);
        while (code == SSL_REQUEST || code == GSSENC_REQUEST) {
            out.writeByte('N'); // no encryption: the client goes on in the clear
            out.flush();
            startup = startupPacket(in);
            code = code(startup);
        }
        if (code == CANCEL_REQUEST) {
            return;
        }
        ScramExchange.authenticate(in, out, PASSWORD);
        String applicationName = startupParameter(startup, "application_name");
        if (applicationName != null) {
            parameter(out, "application_name", applicationName);
        }
        parameter(out, "server_version", "18.0");
        parameter(out, "server_encoding", "UTF8");
        parameter(out, "client_encoding", "UTF8");
        parameter(out, "DateStyle", "ISO, MDY");
        parameter(out, "TimeZone", "UTC");
        parameter(out, "integer_datetimes", "on");
        parameter(out, "standard_conforming_strings", "on");
        parameter(out, "is_superuser", "off");
        write(out, 'K', body(b -> b.writeInt(1).writeInt(0)));
        readyForQuery(out);
        out.flush();
        reach(Reached.LOGGED_IN);
        answerQueries(in, out);
    }

    /** A start-up packet's body (no type byte: its length, then a code or the protocol version). */
    private static byte[] startupPacket(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 8 || length > ProtocolMessages.LONGEST_MESSAGE) {
            throw new IOException("Not a start-up packet");
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return body;
    }

    /** The value of the parameter {@code name} in a start-up message, or null. */
    private static String startupParameter(byte[] startup, String name) throws IOException {
        DataInputStream parameters = new DataInputStream(new ByteArrayInputStream(startup, 4, startup.length - 4));
        for (String key = readCString(parameters); !key.isEmpty(); key = readCString(parameters)) {
            String value = readCString(parameters);
            if (key.equals(name)) {
                return value;
            }
        }
        return null;
    }

    private static int code(byte[] startup) {
        return ((startup[0] & 0xff) << 24)
                | ((startup[1] & 0xff) << 16)
                | ((startup[2] & 0xff) << 8)
                | (startup[3] & 0xff);
    }

    /**
     * Answers the extended query protocol (Parse, Bind, Describe, Execute, Close, Sync) and simple queries, each
     * query with one row of one text column, until the client terminates.
     */
    private void answerQueries(DataInputStream in, DataOutputStream out) throws IOException {
        Map<String, int[]> parameterTypes = new HashMap<>(); // of each statement parsed, by its name
        while (true) {
            int type = in.read();
            if (type < 0 || type == 'X') {
                return;
            }
            byte[] body = readBody(in);
            switch (type) {
                case 'P' -> {
                    DataInputStream parse = new DataInputStream(new ByteArrayInputStream(body));
                    parameterTypes.put(readCString(parse), parameterTypes(readCString(parse), parse));
                    write(out, '1', new byte[0]);
                }
                case 'B' -> write(out, '2', new byte[0]);
                case 'C' -> write(out, '3', new byte[0]);
                case 'D' -> {
                    if (body.length > 0 && body[0] == 'S') {
                        String name =
                                readCString(new DataInputStream(new ByteArrayInputStream(body, 1, body.length - 1)));
                        int[] types = parameterTypes.getOrDefault(name, new int[0]);
                        write(out, 't', body(b -> {
                            b.writeShort(types.length);
                            for (int oid : types) {
                                b.writeInt(oid);
                            }
                        }));
                    }
                    rowDescription(out);
                }
                case 'E' -> row(out);
                case 'Q' -> {
                    String query = new String(body, 0, Math.max(0, body.length - 1), StandardCharsets.UTF_8).strip();
                    int space = query.indexOf(' ');
                    String command = (space < 0 ? query : query.substring(0, space)).toUpperCase(Locale.ROOT);
                    if (command.equals("SELECT")) {
                        rowDescription(out);
                        row(out);
                    } else {
                        write(out, 'C', body(b -> b.writeCString(command)));
                    }
                    readyForQuery(out);
                    out.flush();
                }
                case 'S' -> {
                    readyForQuery(out);
                    out.flush();
                }
                case 'H' -> out.flush();
                default -> throw new IOException("Unexpected message " + (char) type);
            }
        }
    }

    /**
     * The types of a parsed statement's parameters, as a server describes them: those the Parse message gives (after
     * the query, their number and object ids), and {@code text} for the others, up to the highest {@code $n} of the
     * query.
     */
    private static int[] parameterTypes(String query, DataInputStream parse) throws IOException {
        int[] given = new int[parse.readShort()];
        for (int i = 0; i < given.length; i++) {
            given[i] = parse.readInt();
        }
        int highest = PARAMETER
                .matcher(query)
                .results()
                .mapToInt(m -> Integer.parseInt(m.group(1)))
                .max()
                .orElse(0);
        int[] types = new int[Math.max(given.length, highest)];
        for (int i = 0; i < types.length; i++) {
            types[i] = i < given.length && given[i] != 0 ? given[i] : TEXT;
        }
        return types;
    }

    private void row(DataOutputStream out) throws IOException {
        write(out, 'D', body(b -> b.writeShort(1).writeInt(1).writeByte('1')));
        write(out, 'C', body(b -> b.writeCString("SELECT 1")));
        reach(Reached.QUERIED);
    }

    private static void rowDescription(DataOutputStream out) throws IOException {
        write(
                out,
                'T',
                body(b -> b.writeShort(1)
                        .writeCString("column")
                        .writeInt(0) // no table
                        .writeShort(0)
                        .writeInt(TEXT)
                        .writeShort(-1)
                        .writeInt(-1)
                        .writeShort(0))); // in text format
    }

    private static void parameter(DataOutputStream out, String name, String value) throws IOException {
        write(out, 'S', body(b -> b.writeCString(name).writeCString(value)));
    }

    private static void readyForQuery(DataOutputStream out) throws IOException {
        write(out, 'Z', new byte[] {'I'});
    }
}
