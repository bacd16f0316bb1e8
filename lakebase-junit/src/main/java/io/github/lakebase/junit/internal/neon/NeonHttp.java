package io.github.lakebase.junit.internal.neon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lakebase.junit.spi.ProviderException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Neon API v2 over Java's own HTTP client, with JSON through Jackson: bearer authentication with the
 * API key (which never appears in a message or a log), and retries of what the API says is safe to retry
 * (its {@code GeneralError} response: "Any request that returns a 503 Service Unavailable response is
 * always safe to retry", and "423 Locked ... is safe to retry", for example while another operation runs
 * on the branch), of throttling (429, waiting as long as {@code Retry-After} asks) and of other 5xx answers
 * and lost connections for calls whose repetition does no harm. A creation, which is not safe to repeat,
 * is re-checked by the caller before it is repeated ({@link NeonApi#createBranch}).
 */
final class NeonHttp {

    private static final Logger LOG = LoggerFactory.getLogger(NeonHttp.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 423 Locked, 429 Too Many Requests, and the server errors that pass by themselves. */
    private static final Set<Integer> PASSING = Set.of(423, 429, 500, 502, 503, 504);
    /** The wait the last throttled answer asked for ({@code Retry-After}), on this thread. */
    private static final ThreadLocal<Duration> RETRY_AFTER = new ThreadLocal<>();

    private final HttpClient client;
    private final String baseUrl;
    private final String apiKey;
    private final Duration firstWait;
    private final Duration timeout;

    NeonHttp(String baseUrl, String apiKey, Duration firstWait, Duration timeout) {
        this.client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiKey = apiKey;
        this.firstWait = firstWait;
        this.timeout = timeout;
    }

    /** A failed call: the HTTP status (0 without an answer), the API's {@code code} and {@code message}. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;

        Failure(int status, String code, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.code = code;
        }

        int status() {
            return status;
        }

        /** Whether the call may succeed if repeated: no answer, locked, throttled, a server error. */
        boolean passing() {
            return status == 0 || PASSING.contains(status);
        }

        @Override
        public String getMessage() {
            return (status == 0 ? "no answer" : "HTTP " + status) + (code == null || code.isEmpty() ? "" : " " + code)
                    + ": " + super.getMessage();
        }
    }

    /** The base URL, for messages. */
    String baseUrl() {
        return baseUrl;
    }

    /** A call whose repetition does no harm, retried after passing failures until the timeout. */
    JsonNode call(String what, String method, String path, JsonNode body) {
        Waits waits = waits(timeout);
        while (true) {
            try {
                return once(method, path, body);
            } catch (Failure e) {
                if (!e.passing() || !waits.pause(what + " failed (" + e.getMessage() + ")", e)) {
                    throw failure(what, e);
                }
            }
        }
    }

    /** A call whose answer is empty when what it asks for does not exist (404). */
    Optional<JsonNode> callUnlessNotFound(String what, String method, String path, JsonNode body) {
        try {
            return Optional.of(call(what, method, path, body));
        } catch (ProviderException e) {
            if (e.getCause() instanceof Failure f && f.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** One attempt; a 204 answers an empty object. */
    JsonNode once(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Failure(0, "", method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("Interrupted while calling the Neon API", e);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() / 100 == 2) {
            return answer;
        }
        Failure failure = new Failure(
                response.statusCode(),
                answer.path("code").asText(""),
                answer.path("message").asText(method + " " + path),
                null);
        response.headers()
                .firstValue("Retry-After")
                .map(NeonHttp::seconds)
                .ifPresent(s -> RETRY_AFTER.set(Duration.ofSeconds(s)));
        throw failure;
    }

    private static long seconds(String header) {
        try {
            return Math.min(60, Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static byte[] bytes(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", "an answer that is not JSON");
        }
    }

    static com.fasterxml.jackson.databind.node.ObjectNode object() {
        return JSON.createObjectNode();
    }

    static ProviderException failure(String what, RuntimeException e) {
        if (e instanceof ProviderException p) {
            return p;
        }
        return new ProviderException("Neon: " + what + " failed: " + e.getMessage(), e);
    }

    /** A series of waits that ends at {@code deadline} from now. */
    Waits waits(Duration deadline) {
        return new Waits(System.nanoTime() + deadline.toNanos());
    }

    /** Growing, jittered waits up to a deadline. */
    final class Waits {

        private final long deadline;
        private long next;

        private Waits(long deadline) {
            this.deadline = deadline;
            this.next = firstWait.toNanos();
        }

        /** Sleeps before the next attempt; {@code false}, without sleeping, once the deadline would pass. */
        boolean pause(String why) {
            return pause(why, null);
        }

        boolean pause(String why, Failure failure) {
            long jittered = (long) (next * (0.5 + ThreadLocalRandom.current().nextDouble()));
            Duration asked = RETRY_AFTER.get();
            RETRY_AFTER.remove();
            if (failure != null && failure.status() == 429 && asked != null) {
                jittered = Math.max(jittered, asked.toNanos());
            }
            if (System.nanoTime() + jittered > deadline) {
                return false;
            }
            LOG.debug("{}; retrying in {} ms", why, jittered / 1_000_000);
            try {
                Thread.sleep(jittered / 1_000_000, (int) (jittered % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException("Interrupted while waiting for Neon", e);
            }
            next = Math.min(next * 2, firstWait.toNanos() * 10);
            return true;
        }
    }
}
