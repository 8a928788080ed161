package dev.sirocco.evals.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Successful responses on disk, one JSON file per request, named by the SHA-256 of the request's canonical
 * description (provider, messages, options, and which repetition it is), so a re-run answers from disk and
 * repetitions stay distinct samples. Errors are never cached.
 */
public final class ResponseCache {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final Path dir;

    public ResponseCache(Path dir) {
        this.dir = dir;
    }

    public static String key(ObjectNode description, int repetition) {
        ObjectNode keyed = description.deepCopy();
        keyed.put("repetition", repetition);
        try {
            byte[] canonical = JSON.writeValueAsBytes(JSON.treeToValue(keyed, Object.class));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cached response, marked cached, or null. A corrupt entry counts as a miss. */
    public ProviderResponse get(String key) {
        Path f = dir.resolve(key + ".json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
            JsonNode calls = n.get("tool_calls");
            JsonNode lp = n.get("logprobs");
            List<Double> logprobs = null;
            if (lp != null && lp.isArray()) {
                logprobs = new java.util.ArrayList<>();
                for (JsonNode x : lp) {
                    logprobs.add(x.asDouble());
                }
            }
            return new ProviderResponse(n.path("output").asText(), calls == null || calls.isNull() ? null : calls,
                    logprobs, null, 0, true);
        } catch (IOException e) {
            return null;
        }
    }

    public void put(String key, ProviderResponse response) {
        if (response.error() != null) {
            return;
        }
        try {
            Files.createDirectories(dir);
            ObjectNode n = JSON.createObjectNode();
            n.put("output", response.output());
            n.set("tool_calls", response.toolCalls());
            if (response.logprobs() != null) {
                var lp = n.putArray("logprobs");
                response.logprobs().forEach(lp::add);
            }
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(n), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, dir.resolve(key + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(key + ".json"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // a cache that cannot be written only costs speed
        }
    }
}
