package dev.sirocco.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the server, and request-body parsing that answers 400 instead of throwing. */
final class Json {
    // Duplicate keys are ambiguous ({"n": 1, "n": 5}): refuse them rather than pick one silently.
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
    }

    /** Parses a request body that must be a JSON object. */
    static JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(400, "invalid_request_error", null, "invalid_json", "the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            String where = e instanceof JsonProcessingException jpe && jpe.getLocation() != null
                    ? " at line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr() : "";
            throw new ApiException(400, "invalid_request_error", null, "invalid_json",
                    "the request body is not valid JSON" + where + ": " + detail);
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "invalid_request_error", null, "invalid_json", "the request body must be a JSON object");
        }
        return node;
    }
}
