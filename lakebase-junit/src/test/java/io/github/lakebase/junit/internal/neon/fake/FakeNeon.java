package io.github.lakebase.junit.internal.neon.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.lakebase.junit.fakes.BranchDatabases;
import io.github.lakebase.junit.fakes.PostgresRouter;
import io.github.lakebase.junit.internal.neon.fake.NeonFaults.Call;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Neon on this machine, for tests of the {@code neon} provider: a local HTTP server that follows the
 * paths, verbs, bodies and answers of Neon's API v2 as its OpenAPI description has them (the npm package
 * {@code @neondatabase/api-client}), whose branches are real PostgreSQL databases (template clones on an
 * embedded server) reached through read-write endpoints of their own.
 *
 * <pre>{@code
 * FakeNeon neon = FakeNeon.start();
 * neon.createProject("orders", "main", "CREATE TABLE customer (id int)");
 * Fixtures.run(MyTestCase.class, neon.configuration("orders"));
 * }</pre>
 */
public final class FakeNeon {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PROJECT = Pattern.compile("/api/v2/projects/([a-z0-9-]{1,60})(/.*)?");
    private static final Pattern BRANCH = Pattern.compile("/branches/([a-z0-9-]{1,60})(/restore)?");
    private static final Pattern OPERATION = Pattern.compile("/operations/([0-9a-f-]+)");

    private final int number = SEQUENCE.incrementAndGet();
    private final String apiKey = "neon-fake-key-" + number + "-" + System.nanoTime();
    private final String role = "neon_owner_" + number;
    private final String password = "neon-fake-password-" + number;
    private final NeonFaults faults = new NeonFaults();
    private final NeonOperations operations = new NeonOperations(faults);
    private final Map<String, NeonFakeProject> projects = new ConcurrentHashMap<>();
    private final HttpServer http;
    private final PostgresRouter router;

    private FakeNeon() throws IOException {
        BranchDatabases.createRole(role, password);
        BranchDatabases.allowLoginUntil(role, Instant.now().plus(Duration.ofDays(365)), null);
        router = new PostgresRouter(BranchDatabases.server().port());
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "neon-fake-api");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/", this::handle);
        http.start();
        operations.every(Duration.ofMillis(200), () -> {
            if (faults.expiresBranches()) {
                projects.values().forEach(NeonFakeProject::expire);
            }
        });
    }

    /** Starts a fake Neon with no projects. */
    public static FakeNeon start() {
        try {
            return new FakeNeon();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a project whose default branch is filled by {@code sql}, run as the project's role. */
    public NeonFakeProject createProject(String id, String defaultBranch, String sql) {
        NeonFakeProject project = new NeonFakeProject(this, id, defaultBranch, sql);
        projects.put(id, project);
        return project;
    }

    /** A project of this fake. */
    public NeonFakeProject project(String id) {
        return projects.get(id);
    }

    /** What goes wrong, on demand, and the count of calls. */
    public NeonFaults faults() {
        return faults;
    }

    /** The configuration that points the {@code neon} provider at {@code project}, with short waits. */
    public Map<String, String> configuration(String project) {
        return Map.ofEntries(
                Map.entry("lakebase.provider", "neon"),
                Map.entry("lakebase.neon.project", project),
                Map.entry(
                        "lakebase.neon.api-url",
                        "http://127.0.0.1:" + http.getAddress().getPort() + "/api/v2"),
                Map.entry("lakebase.neon.api-key", apiKey),
                Map.entry("lakebase.neon.role", role),
                Map.entry("lakebase.neon.sslmode", "disable"),
                Map.entry("lakebase.neon.poll-interval", "10ms"),
                Map.entry("lakebase.neon.operation-timeout", "20s"),
                Map.entry("lakebase.neon.endpoint-timeout", "20s"),
                Map.entry("lakebase.neon.slot-timeout", "3m")); // an upper bound on a hang: slots wait out slow clones
    }

    /** The API key the fake accepts; tests check that it never shows in a message. */
    public String apiKey() {
        return apiKey;
    }

    String role() {
        return role;
    }

    String password() {
        return password;
    }

    NeonOperations operations() {
        return operations;
    }

    PostgresRouter router() {
        return router;
    }

    /** An error answer in the form of the API's {@code GeneralError}: {@code code} and {@code message}. */
    static ApiFailure error(int status, String message) {
        return error(status, "", message);
    }

    /** An error answer with a {@code code} ({@code ErrorCode}: any string, {@code ""} by default). */
    static ApiFailure error(int status, String code, String message) {
        return new ApiFailure(status, code, message);
    }

    /** An error answer of the fake. */
    static final class ApiFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;

        ApiFailure(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, body("", "authentication required"));
                return;
            }
            try {
                serve(exchange);
            } catch (ApiFailure e) {
                answer(exchange, e.status, body(e.code, e.getMessage()));
            } catch (RuntimeException e) {
                answer(exchange, 500, body("", String.valueOf(e.getMessage())));
            }
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        Matcher m = PROJECT.matcher(exchange.getRequestURI().getPath());
        if (!m.matches()) {
            throw error(404, "not found");
        }
        NeonFakeProject project = Optional.ofNullable(projects.get(m.group(1)))
                .orElseThrow(() -> error(404, "project " + m.group(1) + " not found"));
        String rest = m.group(2) == null ? "" : m.group(2);
        Map<String, String> query = query(exchange);
        Matcher b = BRANCH.matcher(rest);
        Matcher o = OPERATION.matcher(rest);
        if (rest.isEmpty() && method.equals("GET")) {
            respond(exchange, Call.PROJECT, 200, project::project);
        } else if (rest.equals("/branches") && method.equals("POST")) {
            JsonNode request = read(exchange);
            respond(exchange, Call.CREATE, 201, () -> project.create(request));
        } else if (rest.equals("/branches") && method.equals("GET")) {
            respond(
                    exchange,
                    Call.LIST,
                    200,
                    () -> project.list(
                            query.get("search"),
                            Math.min(Integer.parseInt(query.getOrDefault("limit", "3")), faults.pageSize()),
                            Integer.parseInt(query.getOrDefault("cursor", "0"))));
        } else if (rest.equals("/branches/count") && method.equals("GET")) {
            respond(exchange, Call.COUNT, 200, project::count);
        } else if (rest.equals("/connection_uri") && method.equals("GET")) {
            respond(exchange, Call.CONNECTION_URI, 200, () -> {
                try {
                    return project.connectionUri(
                            query.getOrDefault("branch_id", ""),
                            query.getOrDefault("database_name", ""),
                            query.getOrDefault("role_name", ""));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } else if (o.matches() && method.equals("GET")) {
            respond(exchange, Call.OPERATION, 200, () -> operations.get(o.group(1)));
        } else if (b.matches() && b.group(2) != null && method.equals("POST")) {
            JsonNode request = read(exchange);
            respond(exchange, Call.RESTORE, 200, () -> project.restore(b.group(1), request));
        } else if (b.matches() && method.equals("GET")) {
            respond(exchange, Call.GET, 200, () -> project.get(b.group(1)));
        } else if (b.matches() && method.equals("PATCH")) {
            JsonNode request = read(exchange);
            respond(exchange, Call.UPDATE, 200, () -> project.update(b.group(1), request));
        } else if (b.matches() && method.equals("DELETE")) {
            respond(exchange, Call.DELETE, 200, () -> project.delete(b.group(1)).orElse(null));
        } else {
            throw error(404, "no API for " + method + " " + rest);
        }
    }

    /** Applies the faults to a call, then serves it; a {@code null} result answers 204 No Content. */
    private void respond(HttpExchange exchange, Call call, int status, java.util.function.Supplier<ObjectNode> work)
            throws IOException {
        NeonFaults.Failure failure = faults.next(call);
        if (failure != null && !failure.lost()) {
            answer(exchange, failure.status(), body(failure.code(), failure.message()));
            return;
        }
        ObjectNode result;
        try {
            result = work.get();
        } finally {
            faults.answering(call);
        }
        if (failure != null) {
            return; // the work is done, and the answer is lost: the connection closes without one
        }
        if (result == null) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        answer(exchange, status, result);
    }

    private static JsonNode read(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        return bytes.length == 0 ? JsonNodeFactory.instance.objectNode() : JSON.readTree(bytes);
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static ObjectNode body(String code, String message) {
        return JsonNodeFactory.instance.objectNode().put("code", code).put("message", message);
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
