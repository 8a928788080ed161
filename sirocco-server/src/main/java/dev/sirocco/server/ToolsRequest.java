package dev.sirocco.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tool fields of a chat request, both dialects: {@code tools} (OpenAI's shape, which Mistral shares),
 * {@code tool_choice} ({@code auto}, {@code none}, OpenAI's {@code required} = Mistral's {@code any}, or one named
 * function) and {@code parallel_tool_calls}. Every bad shape is a 400 naming its JSON path.
 *
 * @param tools    the tool definitions as the chat template receives them; empty when none
 * @param choice   what the model may do with them
 * @param function for {@link Choice#FUNCTION}, the function it must call; else null
 * @param parallel whether an answer may hold several calls (default true, as both APIs)
 */
record ToolsRequest(List<Map<String, Object>> tools, Choice choice, String function, boolean parallel) {

    /** {@code tool_choice}: {@code required} and {@code any} are one choice under two names. */
    enum Choice { AUTO, NONE, REQUIRED, FUNCTION }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    ToolsRequest {
        tools = List.copyOf(tools);
    }

    /** Whether the prompt lists the tools and the answer is read for calls. */
    boolean active() {
        return !tools.isEmpty() && choice != Choice.NONE;
    }

    static ToolsRequest read(JsonNode body) {
        List<Map<String, Object>> tools = tools(body.get("tools"));
        Set<String> names = new HashSet<>();
        for (Map<String, Object> t : tools) {
            names.add((String) ((Map<?, ?>) t.get("function")).get("name"));
        }
        Boolean parallel = RequestFields.optBool(body, "parallel_tool_calls", "parallel_tool_calls");
        JsonNode c = body.get("tool_choice");
        Choice choice = Choice.AUTO;
        String function = null;
        if (c != null && !c.isNull()) {
            if (c.isTextual()) {
                choice = switch (c.asText()) {
                    case "auto" -> Choice.AUTO;
                    case "none" -> Choice.NONE;
                    case "required", "any" -> Choice.REQUIRED;
                    default -> throw ApiException.badField("tool_choice", "'tool_choice' must be \"auto\", \"none\", "
                            + "\"required\", \"any\" or {\"type\": \"function\", \"function\": {\"name\": ...}}; got \"" + c.asText() + "\"");
                };
            } else if (c.isObject()) {
                RequestFields.onlyKnown(c, Set.of("type", "function"), "tool_choice.");
                if (RequestFields.present(c, "type") && !"function".equals(RequestFields.requiredString(c, "type", "tool_choice.type"))) {
                    throw ApiException.badField("tool_choice.type", "'tool_choice.type' must be \"function\"");
                }
                JsonNode fn = c.get("function");
                if (fn == null || !fn.isObject()) {
                    throw ApiException.badField("tool_choice.function", "'tool_choice.function' is required and must be an object with a 'name'");
                }
                RequestFields.onlyKnown(fn, Set.of("name"), "tool_choice.function.");
                function = RequestFields.requiredString(fn, "name", "tool_choice.function.name");
                if (!names.contains(function)) {
                    throw ApiException.badField("tool_choice.function.name", "'tool_choice.function.name' names '" + function
                            + "', which is not among 'tools'" + (names.isEmpty() ? " (none given)" : " " + new java.util.TreeSet<>(names)));
                }
                choice = Choice.FUNCTION;
            } else {
                throw ApiException.badField("tool_choice", "'tool_choice' must be a string or an object, got " + RequestFields.kind(c));
            }
        }
        if (choice == Choice.REQUIRED && tools.isEmpty()) {
            throw ApiException.badField("tool_choice", "'tool_choice' \"" + c.asText() + "\" needs 'tools'");
        }
        return new ToolsRequest(tools, choice, function, parallel == null || parallel);
    }

    private static List<Map<String, Object>> tools(JsonNode v) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw ApiException.badField("tools", "'tools' must be an array of {\"type\": \"function\", \"function\": {...}}, got " + RequestFields.kind(v));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode t = v.get(i);
            String path = "tools[" + i + "]";
            if (!t.isObject()) {
                throw ApiException.badField(path, "'" + path + "' must be an object, got " + RequestFields.kind(t));
            }
            RequestFields.onlyKnown(t, Set.of("type", "function"), path + ".");
            // Mistral's SDK may leave the type out (its default is "function").
            if (RequestFields.present(t, "type") && !"function".equals(RequestFields.requiredString(t, "type", path + ".type"))) {
                throw ApiException.badField(path + ".type", "'" + path + ".type' must be \"function\", got \"" + t.get("type").asText() + "\"");
            }
            JsonNode fn = t.get("function");
            if (fn == null || !fn.isObject()) {
                throw ApiException.badField(path + ".function", "'" + path + ".function' is required and must be an object");
            }
            RequestFields.onlyKnown(fn, Set.of("name", "description", "parameters", "strict"), path + ".function.");
            String name = RequestFields.requiredString(fn, "name", path + ".function.name");
            if (!NAME.matcher(name).matches()) {
                throw ApiException.badField(path + ".function.name", "'" + path + ".function.name' must be 1 to 64 letters, digits, "
                        + "'_', '-' or '.', got \"" + name + "\"");
            }
            if (!names.add(name)) {
                throw ApiException.badField(path + ".function.name", "two tools are named \"" + name + "\"");
            }
            if (RequestFields.present(fn, "description")) {
                RequestFields.requiredString(fn, "description", path + ".function.description");
            }
            JsonNode parameters = fn.get("parameters");
            if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
                throw ApiException.badField(path + ".function.parameters", "'" + path + ".function.parameters' must be a JSON schema object, got "
                        + RequestFields.kind(parameters));
            }
            RequestFields.optBool(fn, "strict", path + ".function.strict");
            Map<String, Object> tool = new java.util.LinkedHashMap<>();
            tool.put("type", "function");
            tool.putAll(Json.MAPPER.convertValue(t, MAP));
            out.add(tool);
        }
        return out;
    }
}
