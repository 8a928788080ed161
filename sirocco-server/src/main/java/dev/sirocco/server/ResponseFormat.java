package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.chat.constraint.JsonConstraints;
import dev.sirocco.chat.constraint.SchemaException;
import dev.sirocco.engine.runtime.constraint.OutputConstraint;

import java.util.Set;

/**
 * Reads chat's {@code response_format} (OpenAI's shape, which Mistral's SDK sends too, its {@code type} optional) into
 * the decoding constraint that enforces it: {@code text} (none), {@code json_object} (any JSON object) or
 * {@code json_schema} (a value valid against {@code json_schema.schema}). A schema keyword the constraint compiler
 * cannot enforce is a 400 naming it, e.g. {@code response_format.json_schema.schema.properties.x.pattern}.
 */
final class ResponseFormat {
    private static final Set<String> FIELDS = Set.of("type", "json_schema");
    private static final Set<String> SCHEMA_FIELDS = Set.of("name", "description", "schema", "strict");

    private ResponseFormat() {
    }

    /** The constraint {@code body.response_format} asks for, or null for free text. */
    static OutputConstraint read(JsonNode body) {
        JsonNode format = body.get("response_format");
        if (format == null || format.isNull()) {
            return null;
        }
        if (!format.isObject()) {
            throw ApiException.badField("response_format", "'response_format' must be an object, got " + RequestFields.kind(format));
        }
        RequestFields.onlyKnown(format, FIELDS, "response_format.");
        JsonNode spec = format.get("json_schema");
        boolean hasSchema = spec != null && !spec.isNull();
        JsonNode typeNode = format.get("type");
        String type;
        if (typeNode == null || typeNode.isNull()) {
            type = hasSchema ? "json_schema" : "text"; // Mistral's SDK may leave the type out
        } else if (typeNode.isTextual()) {
            type = typeNode.asText();
        } else {
            throw ApiException.badField("response_format.type", "'response_format.type' must be a string");
        }
        switch (type) {
            case "text" -> {
                return null;
            }
            case "json_object" -> {
                return JsonConstraints.jsonObject();
            }
            case "json_schema" -> {
                if (!hasSchema || !spec.isObject()) {
                    throw ApiException.badField("response_format.json_schema",
                            "'response_format.json_schema' must be an object with the JSON schema in 'schema'");
                }
                RequestFields.onlyKnown(spec, SCHEMA_FIELDS, "response_format.json_schema.");
                JsonNode name = spec.get("name");
                if (name != null && !name.isNull() && !name.isTextual()) {
                    throw ApiException.badField("response_format.json_schema.name", "'response_format.json_schema.name' must be a string");
                }
                RequestFields.optBool(spec, "strict", "response_format.json_schema.strict"); // always enforced: strict or not
                JsonNode schema = spec.get("schema");
                if (schema == null || schema.isNull()) {
                    throw ApiException.badField("response_format.json_schema.schema", "'response_format.json_schema.schema' is required");
                }
                try {
                    return JsonConstraints.jsonSchema(schema, "response_format.json_schema.schema");
                } catch (SchemaException e) {
                    throw e.unsupported() ? ApiException.unsupported(e.path(), e.getMessage()) : ApiException.badField(e.path(), e.getMessage());
                }
            }
            default -> throw ApiException.badField("response_format.type",
                    "'response_format.type' must be one of text, json_object, json_schema; got '" + type + "'");
        }
    }
}
