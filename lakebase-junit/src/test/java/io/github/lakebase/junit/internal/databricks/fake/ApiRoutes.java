package io.github.lakebase.junit.internal.databricks.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.github.lakebase.junit.internal.databricks.fake.Faults.Call;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of a {@link FakeLakebase}: the paths, verbs, query parameters, bodies and error answers
 * of the workspace's {@code postgres} API, the SCIM {@code Me} call and the host metadata the SDK asks
 * for, with bearer-token authentication and the {@link Faults} applied before each call.
 */
final class ApiRoutes implements HttpHandler {

    private static final String POSTGRES = "/api/2.0/postgres/";
    private static final Pattern BRANCHES = Pattern.compile("projects/([^/]+)/branches");
    private static final Pattern BRANCH = Pattern.compile("projects/([^/]+)/branches/([^/]+)");
    private static final Pattern ENDPOINT = Pattern.compile("projects/([^/]+)/branches/([^/]+)/endpoints/([^/]+)");
    private static final Pattern OPERATION = Pattern.compile("projects/([^/]+)/branches/([^/]+)/operations/[^/]+");

    private final FakeLakebase workspace;

    ApiRoutes(FakeLakebase workspace) {
        this.workspace = workspace;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/.well-known/databricks-config")) {
                workspace.faults().next(Call.CONFIG);
                answer(
                        exchange,
                        200,
                        Json.object()
                                .put("workspace_id", "1234567890")
                                .put("oidc_endpoint", workspace.host() + "/oidc"));
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (!("Bearer " + workspace.personalAccessToken()).equals(authorization)) {
                answer(exchange, 401, error("UNAUTHENTICATED", "Invalid access token"));
                return;
            }
            Route route;
            try {
                route = route(exchange.getRequestMethod(), path);
            } catch (ApiError e) {
                answer(exchange, e.status(), error(e.code(), e.getMessage()));
                return;
            }
            Faults.Failure failure = workspace.faults().next(route.call());
            if (failure != null && !failure.lost()) {
                answer(exchange, failure.status(), error(failure.code(), failure.message()));
                return;
            }
            ObjectNode result;
            try {
                result = route.serve(exchange);
            } catch (ApiError e) {
                answer(exchange, e.status(), error(e.code(), e.getMessage()));
                return;
            }
            if (failure == null) {
                answer(exchange, 200, result);
            }
            // else: the work is done, and the answer is lost: the connection closes without one
        } catch (RuntimeException e) {
            answer(exchange, 500, error("INTERNAL_ERROR", String.valueOf(e.getMessage())));
        }
    }

    /** One call: what the faults call it, and how it is served. */
    private record Route(Call call, Handler handler) {
        ObjectNode serve(HttpExchange exchange) throws IOException {
            return handler.serve(exchange);
        }
    }

    @FunctionalInterface
    private interface Handler {
        ObjectNode serve(HttpExchange exchange) throws IOException;
    }

    private Route route(String method, String path) {
        if (path.equals("/api/2.0/preview/scim/v2/Me") && method.equals("GET")) {
            return new Route(
                    Call.ME,
                    x -> Json.object().put("userName", workspace.identity()).put("active", true));
        }
        if (!path.startsWith(POSTGRES)) {
            throw notFound(path);
        }
        String resource = path.substring(POSTGRES.length());
        Matcher m;
        if (resource.equals("credentials") && method.equals("POST")) {
            return new Route(
                    Call.CREDENTIAL,
                    x -> workspace.credential(
                            Json.read(x.getRequestBody()).path("endpoint").asText()));
        }
        if ((m = OPERATION.matcher(resource)).matches() && method.equals("GET")) {
            String project = m.group(1);
            String branch = m.group(2);
            // Operation.name lives under the branch's resource name; once the branch is purged, the name leads
            // nowhere and GET answers 404 NOT_FOUND, as every GET under a resource that is gone does.
            return new Route(Call.OPERATION, x -> {
                if (workspace.existingProject(project).purged(branch)) {
                    throw ApiError.notFound("Operation " + resource);
                }
                ObjectNode operation = workspace.operations().get(resource);
                if (!operation.path("done").asBoolean()) {
                    workspace.faults().answeredNotReady(Call.OPERATION);
                }
                return operation;
            });
        }
        if ((m = ENDPOINT.matcher(resource)).matches() && method.equals("GET")) {
            String project = m.group(1);
            String name = resource;
            return new Route(Call.ENDPOINT, x -> workspace.endpoint(project, name));
        }
        if ((m = BRANCHES.matcher(resource)).matches()) {
            FakeProject project = workspace.existingProject(m.group(1));
            if (method.equals("POST")) {
                return new Route(Call.CREATE, x -> {
                    Map<String, String> query = query(x);
                    return project.create(
                            query.get("branch_id"),
                            Json.read(x.getRequestBody()).path("spec"),
                            Boolean.parseBoolean(query.get("replace_existing")));
                });
            }
            if (method.equals("GET")) {
                return new Route(Call.LIST, x -> {
                    Map<String, String> query = query(x);
                    return project.list(
                            Integer.parseInt(query.getOrDefault("page_size", "3")),
                            Integer.parseInt(query.getOrDefault("page_token", "0")));
                });
            }
        }
        if ((m = BRANCH.matcher(resource)).matches()) {
            FakeProject project = workspace.existingProject(m.group(1));
            String branch = m.group(2);
            switch (method) {
                case "GET":
                    return new Route(Call.GET, x -> project.get(branch));
                case "PATCH":
                    return new Route(
                            Call.UPDATE,
                            x -> project.update(
                                    branch,
                                    Json.read(x.getRequestBody()).path("spec"),
                                    query(x).getOrDefault("update_mask", "")));
                case "DELETE":
                    return new Route(
                            Call.DELETE, x -> project.delete(branch, Boolean.parseBoolean(query(x).get("purge"))));
                default:
                    break;
            }
        }
        throw notFound(method + " " + path);
    }

    private static ApiError notFound(String what) {
        return new ApiError(404, "ENDPOINT_NOT_FOUND", "No API found for '" + what + "'");
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

    private static ObjectNode error(String code, String message) {
        return Json.object().put("error_code", code).put("message", message);
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.bytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
