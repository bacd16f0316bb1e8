package io.github.lakebase.junit.internal.databricks.fake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.github.lakebase.junit.fakes.BranchDatabases;
import io.github.lakebase.junit.fakes.PostgresRouter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Databricks workspace with Lakebase, on this machine, for tests of the {@code lakebase} provider: a
 * local HTTP server that follows the workspace's {@code postgres} REST API (branches, long-running
 * operations, endpoints, database credentials, Databricks error bodies), whose branches are real
 * PostgreSQL databases (template clones on an embedded server) reached through endpoints of their own.
 *
 * <pre>{@code
 * FakeLakebase fake = FakeLakebase.start();
 * fake.createProject("orders", "production", "CREATE TABLE customer (id int)");
 * Fixtures.run(MyTestCase.class, fake.configuration("orders"));
 * }</pre>
 *
 * <p>A fake lives until the JVM exits, as the library's providers do: the library deletes the migrated
 * bases of its runs then, through the fake.
 */
public final class FakeLakebase {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final int number = SEQUENCE.incrementAndGet();
    private final String identity = "ci-" + number + "@example.com";
    private final String personalAccessToken = "dapi-fake-" + number;
    private final String databaseToken = "fake-database-credential-" + number + "-" + System.nanoTime();
    private final Faults faults = new Faults();
    private final Operations operations = new Operations(faults);
    private final Map<String, FakeProject> projects = new ConcurrentHashMap<>();
    private final HttpServer http;
    private final PostgresRouter router;
    private final Path configFile;
    private Instant loginUntil;

    private FakeLakebase() throws IOException {
        BranchDatabases.createRole(identity, databaseToken);
        router = new PostgresRouter(BranchDatabases.server().port());
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lakebase-fake-api");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/", new ApiRoutes(this));
        http.start();
        configFile = Files.createTempFile("lakebase-fake-", ".databrickscfg");
        configFile.toFile().deleteOnExit();
        Files.writeString(
                configFile, "[" + profile() + "]\nhost = " + host() + "\ntoken = " + personalAccessToken + "\n");
        operations.every(Duration.ofMillis(200), () -> {
            if (faults.expiresBranches()) {
                projects.values().forEach(FakeProject::expire);
            }
        });
    }

    /** Starts a fake workspace with no projects. */
    public static FakeLakebase start() {
        try {
            return new FakeLakebase();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a project whose default branch is filled by {@code sql}, run as the workspace identity. */
    public FakeProject createProject(String id, String defaultBranch, String sql) {
        FakeProject project = new FakeProject(this, id, defaultBranch, sql);
        projects.put(id, project);
        return project;
    }

    /** A project of this workspace. */
    public FakeProject project(String id) {
        return existingProject(id);
    }

    /** What goes wrong, on demand, and the count of calls. */
    public Faults faults() {
        return faults;
    }

    /**
     * The configuration that points the {@code lakebase} provider at {@code project} of this workspace:
     * a profile of a configuration file of its own, the endpoints' port, and short waits.
     */
    public Map<String, String> configuration(String project) {
        return Map.ofEntries(
                Map.entry("lakebase.provider", "databricks"),
                Map.entry("lakebase.databricks.project", project),
                Map.entry("lakebase.databricks.config-file", configFile.toString()),
                Map.entry("lakebase.databricks.profile", profile()),
                Map.entry("lakebase.databricks.port", Integer.toString(router.port())),
                Map.entry("lakebase.databricks.sslmode", "disable"),
                Map.entry("lakebase.databricks.poll-interval", "10ms"),
                Map.entry("lakebase.databricks.operation-timeout", "20s"),
                Map.entry("lakebase.databricks.endpoint-timeout", "20s"),
                Map.entry(
                        "lakebase.databricks.slot-timeout",
                        "3m")); // an upper bound on a hang: slots wait out slow clones
    }

    /** The Postgres user of this workspace's identity. */
    public String identity() {
        return identity;
    }

    String host() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    String personalAccessToken() {
        return personalAccessToken;
    }

    private String profile() {
        return "fake-" + number;
    }

    Operations operations() {
        return operations;
    }

    FakeProject existingProject(String id) {
        return Optional.ofNullable(projects.get(id)).orElseThrow(() -> ApiError.notFound("Project projects/" + id));
    }

    /**
     * An endpoint as the SDK's {@code Endpoint} shows it: {@code EndpointStatus} with {@code hosts.host} once
     * it is up and a {@code current_state} of {@code EndpointStatusState}; every branch gets a read-write
     * endpoint named {@code primary} (the CLI's test server, {@code createDefaultEndpointLocked}).
     */
    ObjectNode endpoint(String project, String name) throws IOException {
        FakeBranch branch = existingProject(project).endpointBranch(name);
        String host = branch.host(router);
        if (host == null) {
            faults.answeredNotReady(Faults.Call.ENDPOINT);
        }
        ObjectNode status = Json.object()
                .put("current_state", host == null ? "INIT" : "ACTIVE")
                .put("endpoint_type", "ENDPOINT_TYPE_READ_WRITE");
        if (host != null) {
            status.putObject("hosts").put("host", host);
        }
        ObjectNode endpoint =
                Json.object().put("name", name).put("endpoint_id", "primary").put("parent", branch.name());
        endpoint.set("status", status);
        return endpoint;
    }

    /**
     * A database credential for an endpoint (the SDK's {@code GenerateDatabaseCredentialRequest} and
     * {@code DatabaseCredential}: {@code token}, {@code expire_time}): the identity may log in with it until
     * it expires.
     */
    synchronized ObjectNode credential(String endpointName) {
        String[] parts = endpointName.split("/");
        FakeBranch branch = existingProject(parts.length > 1 ? parts[1] : "").endpointBranch(endpointName);
        if (branch.state() != FakeBranch.State.READY) {
            throw ApiError.precondition("Branch " + branch.name() + " is not ready");
        }
        Instant expires = Instant.now().plus(faults.credentialLifetime());
        BranchDatabases.allowLoginUntil(identity, expires, loginUntil);
        loginUntil = loginUntil == null || expires.isAfter(loginUntil) ? expires : loginUntil;
        return Json.object().put("token", databaseToken).put("expire_time", expires.toString());
    }
}
