package io.github.lakebase.junit.fakes;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fake's endpoints: each branch gets a host of its own (an address of the loopback range,
 * {@code 127.0.1.x}, all on one port), and a connection to it reaches that branch's database on the
 * embedded server, whatever database the client names ({@code databricks_postgres}, as on Lakebase).
 * Only the PostgreSQL startup message is read and rewritten; authentication and everything after pass
 * through untouched. SSL is declined, so clients connect with {@code sslmode=disable}.
 */
public final class PostgresRouter {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1);

    private final int backendPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lakebase-fake-router");
        t.setDaemon(true);
        return t;
    });
    private final int port;

    public PostgresRouter(int backendPort) throws IOException {
        this.backendPort = backendPort;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.1.1"), 0));
            this.port = probe.getLocalPort();
        }
    }

    /** The port of every endpoint. */
    public int port() {
        return port;
    }

    /** What a route leads to, asked at every connection. */
    public interface Target {
        /** The database of the branch now (it changes when the branch is replaced). */
        String database();

        /** Why a login must fail now, or {@code null}. */
        String refusal();
    }

    /** Opens an endpoint for a branch; returns its host. Closing the returned route closes the endpoint. */
    public Route open(Target target) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            int n = NEXT_ADDRESS.getAndIncrement();
            String host = "127.0." + (1 + n / 250) + "." + (1 + n % 250);
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (IOException e) {
                socket.close();
                last = e;
                continue;
            }
            Route route = new Route(host, socket, target);
            threads.execute(route::accept);
            return route;
        }
        throw last;
    }

    /** One endpoint. */
    public final class Route implements AutoCloseable {

        private final String host;
        private final ServerSocket socket;
        private final Target target;

        private Route(String host, ServerSocket socket, Target target) {
            this.host = host;
            this.socket = socket;
            this.target = target;
        }

        public String host() {
            return host;
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    threads.execute(() -> serve(client));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket client) {
            try (client) {
                DataInputStream in = new DataInputStream(client.getInputStream());
                OutputStream out = client.getOutputStream();
                while (true) {
                    int length = in.readInt();
                    byte[] body = new byte[length - 4];
                    in.readFully(body);
                    int code = ((body[0] & 0xff) << 24)
                            | ((body[1] & 0xff) << 16)
                            | ((body[2] & 0xff) << 8)
                            | (body[3] & 0xff);
                    if (code == SSL_REQUEST || code == GSS_REQUEST) {
                        out.write('N');
                        out.flush();
                        continue;
                    }
                    String refusal = code == CANCEL_REQUEST ? null : target.refusal();
                    if (refusal != null) {
                        refuse(out, refusal);
                        return;
                    }
                    try (Socket backend = new Socket("127.0.0.1", backendPort)) {
                        writePacket(
                                backend.getOutputStream(),
                                code == CANCEL_REQUEST ? body : startup(body, target.database()));
                        if (code != CANCEL_REQUEST) {
                            pipe(client, backend);
                        }
                    }
                    return;
                }
            } catch (IOException e) {
                // the client or the server went away
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The startup message with another database: protocol version, then name/value pairs, then a zero. */
    private static byte[] startup(byte[] body, String database) {
        Map<String, String> parameters = new LinkedHashMap<>();
        int i = 4;
        while (i < body.length && body[i] != 0) {
            int end = indexOfZero(body, i);
            String key = new String(body, i, end - i, StandardCharsets.UTF_8);
            int valueEnd = indexOfZero(body, end + 1);
            parameters.put(key, new String(body, end + 1, valueEnd - end - 1, StandardCharsets.UTF_8));
            i = valueEnd + 1;
        }
        parameters.put("database", database);
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream();
        rewritten.write(body, 0, 4);
        parameters.forEach((k, v) -> {
            rewritten.writeBytes(k.getBytes(StandardCharsets.UTF_8));
            rewritten.write(0);
            rewritten.writeBytes(v.getBytes(StandardCharsets.UTF_8));
            rewritten.write(0);
        });
        rewritten.write(0);
        return rewritten.toByteArray();
    }

    private static int indexOfZero(byte[] bytes, int from) {
        int i = from;
        while (bytes[i] != 0) {
            i++;
        }
        return i;
    }

    private static void writePacket(OutputStream out, byte[] body) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(body.length + 4);
        data.write(body);
        data.flush();
    }

    /** A FATAL ErrorResponse, as a server sends it before closing a connection it refuses. */
    private static void refuse(OutputStream out, String message) throws IOException {
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        for (String field : new String[] {"SFATAL", "VFATAL", "C28000", "M" + message}) {
            fields.writeBytes(field.getBytes(StandardCharsets.UTF_8));
            fields.write(0);
        }
        fields.write(0);
        DataOutputStream data = new DataOutputStream(out);
        data.writeByte('E');
        data.writeInt(fields.size() + 4);
        data.write(fields.toByteArray());
        data.flush();
    }

    /** Copies both ways until either side closes. */
    private void pipe(Socket client, Socket backend) {
        threads.execute(() -> copy(client, backend));
        copy(backend, client);
    }

    private static void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
