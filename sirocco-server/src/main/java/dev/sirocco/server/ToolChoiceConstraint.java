package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.chat.QwenXmlToolCalls;
import dev.sirocco.chat.ToolCallFormat;
import dev.sirocco.chat.constraint.JsonConstraints;
import dev.sirocco.chat.constraint.SchemaException;
import dev.sirocco.engine.runtime.constraint.OutputConstraint;
import dev.sirocco.engine.runtime.constraint.TriggeredConstraint;

import java.util.List;
import java.util.Map;

/**
 * Enforces {@code tool_choice} {@code required}/{@code any} or a named function: the answer must be one call, in the
 * model family's own syntax ({@link ToolCallFormat#openText()}, the call's JSON, {@link ToolCallFormat#closeText()}),
 * naming one of the allowed tools with arguments valid against that tool's parameters schema. Whatever the model,
 * the answer then parses as a tool call.
 */
final class ToolChoiceConstraint {
    private ToolChoiceConstraint() {
    }

    /** The constraint {@code tools} asks for, or null when the model may answer freely ({@code auto}, {@code none}). */
    static OutputConstraint of(ToolsRequest tools, ToolCallFormat format) {
        if (tools.choice() != ToolsRequest.Choice.REQUIRED && tools.choice() != ToolsRequest.Choice.FUNCTION) {
            return null;
        }
        if (format == null) {
            throw ApiException.unsupported("tool_choice", "this model's chat template has no tool-call syntax, so a call"
                    + " cannot be required of it; use \"auto\" or a model whose template renders tools");
        }
        if (format instanceof QwenXmlToolCalls) {
            // Its calls are XML with typed parameters, not JSON: the JSON-schema constraint cannot express them.
            throw ApiException.unsupported("tool_choice", "a required tool call cannot be enforced for this model's"
                    + " <function=...> call syntax yet; use \"auto\"");
        }
        List<Map<String, Object>> allowed = tools.choice() == ToolsRequest.Choice.FUNCTION
                ? tools.tools().stream().filter(t -> tools.function().equals(((Map<?, ?>) t.get("function")).get("name"))).toList()
                : tools.tools();
        try {
            return JsonConstraints.wrapped(format.openText(), payload(tools, format, allowed), "tools", format.closeText());
        } catch (SchemaException e) {
            throw e.unsupported() ? ApiException.unsupported(e.path(), e.getMessage()) : ApiException.badField(e.path(), e.getMessage());
        }
    }

    /**
     * With {@code tool_choice} auto: free text, but a call the model opens (its family's open marker appears in the
     * output) is held to the call syntax and the tools' schemas, as {@link #of} holds a required one. Null when
     * nothing can be enforced that way: no tools, a format with no open marker (Llama 3.1's bare JSON) or with XML
     * calls, or schemas the JSON constraint cannot express (those calls stay free, as they were).
     */
    static OutputConstraint lazy(ToolsRequest tools, ToolCallFormat format) {
        if (tools.choice() != ToolsRequest.Choice.AUTO || tools.tools().isEmpty() || format == null
                || format instanceof QwenXmlToolCalls) {
            return null;
        }
        String open = format.openText();
        String trigger = open.strip();
        if (trigger.isEmpty() || !open.startsWith(trigger)) {
            return null;
        }
        try {
            OutputConstraint call = JsonConstraints.wrapped(open.substring(trigger.length()),
                    payload(tools, format, tools.tools()), "tools", format.closeText());
            return new TriggeredConstraint(trigger, call);
        } catch (SchemaException e) {
            return null;
        }
    }

    private static JsonNode payload(ToolsRequest tools, ToolCallFormat format, List<Map<String, Object>> allowed) {
        JsonNode call = Json.MAPPER.valueToTree(format.forTools(allowed).callSchema(allowed));
        JsonNode payload = call;
        if (format.payloadIsArray()) {
            ObjectNode array = Json.MAPPER.createObjectNode();
            array.put("type", "array");
            array.set("items", call);
            array.put("minItems", 1);
            if (!tools.parallel()) {
                array.put("maxItems", 1);
            }
            payload = array;
        }
        return payload;
    }
}
