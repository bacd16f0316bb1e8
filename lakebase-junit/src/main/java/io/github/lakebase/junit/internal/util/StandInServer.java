package io.github.lakebase.junit.internal.util;

import static io.github.lakebase.junit.internal.util.ProtocolMessages.body;
import static io.github.lakebase.junit.internal.util.ProtocolMessages.expect;
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
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stand-in for a PostgreSQL server on the loopback interface, inside this JVM, that speaks just enough of the
 * frontend/backend protocol (version 3.0) for a client to log in with SCRAM-SHA-256 and run queries that each
 * return one row of one text column (any other simple query, none): so that {@link DriverPaths} can run the JDBC driver's whole path of a login
 * and of a query before any server is up. It holds no data, answers every query alike, and accepts one password,
 * {@link #PASSWORD}, for any user and database; it serves one connection at a time, and only this JVM knows its
 * port.
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
    private static final int ITERATIONS = 1;

    private final ServerSocket listener;
    private final AtomicReference<Reached> reached = new AtomicReference<>(Reached.NOTHING);

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
        DaemonThreads.named("lakebase-junit-jdbc-warm-up")
                .newThread(server::serve)
                .start();
        return server;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** How far the last client got: logged in, or through a query too. */
    Reached reached() {
        return reached.get();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void serve() {
        while (!listener.isClosed()) {
            try (Socket socket = listener.accept()) {
                socket.setSoTimeout(5_000);
                reached.set(Reached.NOTHING);
                converse(
                        new DataInputStream(new BufferedInputStream(socket.getInputStream())),
                        new DataOutputStream(new BufferedOutputStream(socket.getOutputStream())));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                // The client left, or the listener closed: the next accept tells which.
            }
        }
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
        authenticate(in, out);
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
        reached.set(Reached.LOGGED_IN);
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
     * The SCRAM-SHA-256 exchange, as a server: checks the client's proof, and proves to the client that it knows
     * the password; a client with another password gets PostgreSQL's error for it.
     */
    private static void authenticate(DataInputStream in, DataOutputStream out)
            throws IOException, GeneralSecurityException {
        write(out, 'R', body(b -> b.writeInt(10).writeCString("SCRAM-SHA-256").writeByte(0)));
        out.flush();
        DataInputStream initial = new DataInputStream(new ByteArrayInputStream(expect(in, 'p')));
        readCString(initial); // the mechanism
        byte[] first = new byte[initial.readInt()];
        initial.readFully(first);
        String clientFirst = new String(first, StandardCharsets.UTF_8);
        String clientFirstBare = clientFirst.substring(clientFirst.indexOf(',', clientFirst.indexOf(',') + 1) + 1);
        String nonce = attribute(clientFirstBare, 'r') + Base64.getEncoder().encodeToString(random(18));
        byte[] salt = random(16);
        String serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + ITERATIONS;
        write(out, 'R', body(b -> b.writeInt(11).write(serverFirst.getBytes(StandardCharsets.UTF_8))));
        out.flush();
        String clientFinal = new String(expect(in, 'p'), StandardCharsets.UTF_8);
        int proofAt = clientFinal.lastIndexOf(",p=");
        String authMessage = clientFirstBare + "," + serverFirst + "," + clientFinal.substring(0, proofAt);
        byte[] message = authMessage.getBytes(StandardCharsets.UTF_8);
        // Hi(password, salt, 1) is HMAC(password, salt + INT(1)) (RFC 5802, section 2.2).
        byte[] salted = hmac(PASSWORD.getBytes(StandardCharsets.UTF_8), concat(salt, new byte[] {0, 0, 0, 1}));
        // The client's proof is its ClientKey XOR HMAC(H(ClientKey), AuthMessage) (RFC 5802, section 3).
        byte[] storedKey = sha256(hmac(salted, "Client Key".getBytes(StandardCharsets.UTF_8)));
        byte[] clientKey = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
        byte[] clientSignature = hmac(storedKey, message);
        for (int i = 0; i < clientKey.length && i < clientSignature.length; i++) {
            clientKey[i] ^= clientSignature[i];
        }
        if (!MessageDigest.isEqual(sha256(clientKey), storedKey)) {
            write(
                    out,
                    'E',
                    body(b -> b.writeByte('S')
                            .writeCString("FATAL")
                            .writeByte('V')
                            .writeCString("FATAL")
                            .writeByte('C')
                            .writeCString("28P01") // invalid_password
                            .writeByte('M')
                            .writeCString("password authentication failed")
                            .writeByte(0)));
            out.flush();
            throw new IOException("Another password");
        }
        byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.UTF_8));
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, message));
        write(out, 'R', body(b -> b.writeInt(12).write(serverFinal.getBytes(StandardCharsets.UTF_8))));
        write(out, 'R', body(b -> b.writeInt(0)));
    }

    private static byte[] sha256(byte[] data) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    /**
     * Answers the extended query protocol (Parse, Bind, Describe, Execute, Close, Sync) and simple queries, each
     * query with one row of one text column, until the client terminates.
     */
    private void answerQueries(DataInputStream in, DataOutputStream out) throws IOException {
        while (true) {
            int type = in.read();
            if (type < 0 || type == 'X') {
                return;
            }
            byte[] body = readBody(in);
            switch (type) {
                case 'P' -> write(out, '1', new byte[0]);
                case 'B' -> write(out, '2', new byte[0]);
                case 'C' -> write(out, '3', new byte[0]);
                case 'D' -> {
                    if (body.length > 0 && body[0] == 'S') {
                        write(out, 't', body(b -> b.writeShort(0)));
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

    private void row(DataOutputStream out) throws IOException {
        write(out, 'D', body(b -> b.writeShort(1).writeInt(1).writeByte('1')));
        write(out, 'C', body(b -> b.writeCString("SELECT 1")));
        reached.set(Reached.QUERIED);
    }

    private static void rowDescription(DataOutputStream out) throws IOException {
        write(
                out,
                'T',
                body(b -> b.writeShort(1)
                        .writeCString("column")
                        .writeInt(0) // no table
                        .writeShort(0)
                        .writeInt(25) // text
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

    /** The value of the attribute {@code name} in a SCRAM message ({@code r=...,s=...}). */
    private static String attribute(String message, char name) throws IOException {
        for (String part : message.split(",")) {
            if (part.length() > 1 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        throw new IOException("No attribute " + name + " in " + message);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
