package dev.sirocco.evals.assertions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** JSON parsing as JavaScript's {@code JSON.parse} does it, JSON extraction from prose, and JSON-schema checks. */
public final class JsonValues {
    static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonValues() {
    }

    /** The parsed value, or null if {@code text} is not exactly one JSON value (surrounding whitespace allowed). */
    static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * Every JSON object embedded in prose, leftmost first, not overlapping (like promptfoo's extractJsonObjects):
     * from each {@code {}, the balanced span that parses.
     */
    static List<JsonNode> extractObjects(String text) {
        List<JsonNode> found = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) != '{') {
                i++;
                continue;
            }
            int end = balancedEnd(text, i);
            JsonNode node = end < 0 ? null : parse(text.substring(i, end + 1));
            if (node != null) {
                found.add(node);
                i = end + 1;
            } else {
                i++;
            }
        }
        return found;
    }

    /** Index of the brace closing the one at {@code start}, skipping braces inside strings; -1 if none. */
    private static int balancedEnd(String s, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * A compiled schema (draft 7 unless the schema's {@code $schema} says otherwise, as Ajv's default). A schema
     * that breaks its draft's meta-schema is refused here with the violations, as Ajv refuses to compile it.
     */
    public static JsonSchema schema(Object schemaValue) {
        JsonNode node = STRICT.valueToTree(schemaValue);
        SpecVersion.VersionFlag version = node.isObject() && node.has("$schema")
                ? SpecVersionDetector.detect(node) : SpecVersion.VersionFlag.V7;
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(version);
        if (version == SpecVersion.VersionFlag.V7) {
            String problems = violations(META_V7, node);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(problems);
            }
        }
        return factory.getSchema(node);
    }

    /** Draft 7's meta-schema, bundled in the validator's jar (nothing is fetched). */
    private static final JsonSchema META_V7 = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
            .getSchema(SchemaLocation.of("http://json-schema.org/draft-07/schema"));

    /** Schema violations of {@code value}, joined into one line; empty if it conforms. */
    static String violations(JsonSchema schema, JsonNode value) {
        Set<ValidationMessage> errors = schema.validate(value);
        return errors.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("; "));
    }
}
