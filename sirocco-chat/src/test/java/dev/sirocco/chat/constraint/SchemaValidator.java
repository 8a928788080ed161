package dev.sirocco.chat.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.util.Set;

/** An independent check of constrained outputs: Jackson parses, networknt's validator (draft 2020-12) validates. */
final class SchemaValidator {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private SchemaValidator() {
    }

    static JsonNode schema(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    /** The validation errors of {@code text} against {@code schema}, or a parse error; empty when valid. */
    static Set<String> errors(JsonNode schema, String text) {
        JsonNode value;
        try {
            value = JSON.readTree(text);
        } catch (Exception e) {
            return Set.of("does not parse: " + e.getMessage());
        }
        if (value == null) {
            return Set.of("empty");
        }
        JsonSchema s = FACTORY.getSchema(schema);
        Set<ValidationMessage> messages = s.validate(value);
        return messages.stream().map(ValidationMessage::getMessage).collect(java.util.stream.Collectors.toSet());
    }
}
