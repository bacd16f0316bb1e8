package io.github.lakebase.junit.internal.databricks.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Duration;

/** JSON as the fake reads and writes it, with Jackson (which the Databricks SDK brings along). */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static JsonNode read(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        return bytes.length == 0 ? object() : MAPPER.readTree(bytes);
    }

    static byte[] bytes(JsonNode node) throws IOException {
        return MAPPER.writeValueAsBytes(node);
    }

    /** A protobuf JSON duration such as {@code 3600s} or {@code 1.5s}. */
    static Duration duration(String text) {
        if (!text.endsWith("s")) {
            throw ApiError.invalid("Invalid duration '" + text + "'");
        }
        BigDecimal seconds = new BigDecimal(text.substring(0, text.length() - 1));
        return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
    }
}
