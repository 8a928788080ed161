package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.runtime.ContextFullException;
import dev.sirocco.engine.runtime.QueueFullException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code POST /v1/embeddings} in both dialects: {@code input} as a string, strings, token ids or lists of token ids;
 * each input's embedding is its final hidden states pooled as the model's GGUF says (mean for decoder models) and
 * scaled to unit length, computed on the model's scheduler thread; {@code encoding_format} float or base64
 * (little-endian float32, as OpenAI sends it).
 */
final class EmbeddingsEndpoint {
    static final int MAX_INPUTS = 2048; // OpenAI's limit per request
    private static final Set<String> FIELDS = Set.of("model", "input", "encoding_format", "dimensions", "user", "output_dtype");

    private final ModelRegistry models;
    private final UsageMeter usage;

    EmbeddingsEndpoint(ModelRegistry models, UsageMeter usage) {
        this.models = models;
        this.usage = usage;
    }

    void handle(JsonNode body, ServerResponse res) throws InterruptedException {
        RequestFields.onlyKnown(body, FIELDS, "");
        String id = RequestFields.requiredString(body, "model", "model");
        ServedModel model = models.acquire(id);
        boolean base64 = encoding(body);
        int dim = model.engine().config().dim();
        Integer dimensions = RequestFields.optInt(body, "dimensions", 1, Integer.MAX_VALUE);
        if (dimensions != null && dimensions != dim) {
            throw ApiException.unsupported("dimensions", "this model's embeddings have " + dim + " dimensions; shortening them is not supported");
        }
        JsonNode dtype = body.get("output_dtype");
        if (dtype != null && !dtype.isNull() && !"float".equals(dtype.asText())) {
            throw ApiException.unsupported("output_dtype", "'output_dtype' " + dtype + " is not supported; only \"float\" is");
        }
        List<int[]> inputs = inputs(body.get("input"), model);

        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        int promptTokens = 0;
        try {
            for (int[] tokens : inputs) {
                futures.add(model.scheduler().embed(tokens, model.adapters())); // a fine-tune's with its adapters
                promptTokens += tokens.length;
            }
        } catch (QueueFullException e) {
            futures.forEach(f -> f.cancel(false));
            throw ApiException.tooBusy(1, "model '" + id + "' is busy: " + e.getMessage());
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("id", "embd-" + CompletionEndpoints.randomId(24));
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < futures.size(); i++) {
            float[] e;
            try {
                e = futures.get(i).get();
            } catch (ExecutionException ex) {
                throw new IllegalStateException("embedding input " + i + " failed: " + ex.getCause(), ex.getCause());
            }
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                ByteBuffer buf = ByteBuffer.allocate(4 * e.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : e) {
                    buf.putFloat(v);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : e) {
                    values.add(v);
                }
            }
        }
        root.put("model", id);
        usage.record(id, promptTokens, 0);
        ObjectNode counts = root.putObject("usage");
        counts.put("prompt_tokens", promptTokens);
        counts.put("completion_tokens", 0); // Mistral's usage object has it
        counts.put("total_tokens", promptTokens);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(root));
    }

    private static boolean encoding(JsonNode body) {
        JsonNode format = body.get("encoding_format");
        if (format == null || format.isNull()) {
            return false;
        }
        return switch (format.isTextual() ? format.asText() : "") {
            case "float" -> false;
            case "base64" -> true;
            default -> throw ApiException.badField("encoding_format", "'encoding_format' must be \"float\" or \"base64\", got " + format);
        };
    }

    /** The inputs as token lists: text is tokenized with BOS as the file says; token ids are checked against the vocabulary. */
    private static List<int[]> inputs(JsonNode input, ServedModel model) {
        if (input == null || input.isNull()) {
            throw ApiException.badField("input", "'input' is required: a string, an array of strings, or token ids");
        }
        List<int[]> out = new ArrayList<>();
        if (input.isTextual()) {
            out.add(text(input.asText(), "input", model));
        } else if (input.isArray() && !input.isEmpty() && input.get(0).isIntegralNumber()) {
            out.add(ids(input, "input", model));
        } else if (input.isArray() && !input.isEmpty()) {
            if (input.size() > MAX_INPUTS) {
                throw ApiException.badField("input", "at most " + MAX_INPUTS + " inputs per request, got " + input.size());
            }
            for (int i = 0; i < input.size(); i++) {
                JsonNode item = input.get(i);
                String path = "input[" + i + "]";
                if (item.isTextual()) {
                    out.add(text(item.asText(), path, model));
                } else if (item.isArray()) {
                    out.add(ids(item, path, model));
                } else {
                    throw ApiException.badField(path, "'" + path + "' must be a string or an array of token ids, got " + RequestFields.kind(item));
                }
            }
        } else {
            throw ApiException.badField("input", "'input' must be a non-empty string, array of strings, or token ids, got " + RequestFields.kind(input));
        }
        int context = model.engine().contextSize();
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).length > context) {
                throw new ApiException(400, "invalid_request_error", out.size() == 1 ? "input" : "input[" + i + "]",
                        "context_length_exceeded", new ContextFullException(0, out.get(i).length, context).getMessage());
            }
        }
        return out;
    }

    private static int[] text(String text, String path, ServedModel model) {
        int[] tokens = model.encodePrompt(text);
        if (tokens.length == 0) {
            throw ApiException.badField(path, "'" + path + "' has no tokens to embed");
        }
        return tokens;
    }

    private static int[] ids(JsonNode array, String path, ServedModel model) {
        if (array.isEmpty()) {
            throw ApiException.badField(path, "'" + path + "' has no tokens to embed");
        }
        int vocab = model.engine().vocabSize();
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode v = array.get(i);
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0 || v.asInt() >= vocab) {
                throw ApiException.badField(path + "[" + i + "]", "token ids must be integers in 0.." + (vocab - 1) + ", got " + v);
            }
            ids[i] = v.asInt();
        }
        return ids;
    }
}
