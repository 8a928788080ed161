package dev.sirocco.evals.assertions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.evals.suite.AssertionSpec;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code is-valid-openai-tools-call}: every tool call in the answer names a function the provider was given
 * ({@code config.tools}) and its arguments are JSON that conforms to that function's {@code parameters} schema.
 */
final class ToolCalls {
    private ToolCalls() {
    }

    static AssertionResult check(AssertionSpec spec, Output output) {
        if (output.tools().isEmpty()) {
            return AssertionResult.error(spec, "is-valid-openai-tools-call needs the provider's config.tools");
        }
        Map<String, JsonNode> functions = new HashMap<>();
        for (Object tool : output.tools()) {
            JsonNode t = JsonValues.STRICT.valueToTree(tool);
            JsonNode fn = t.path("function");
            if (fn.hasNonNull("name")) {
                functions.put(fn.get("name").asText(), fn.path("parameters"));
            }
        }
        JsonNode calls = output.toolCalls();
        if (calls == null || !calls.isArray() || calls.isEmpty()) {
            return AssertionResult.of(spec, false, "be a valid OpenAI tools call", "the answer has no tool calls");
        }
        for (JsonNode call : calls) {
            String name = call.path("function").path("name").asText(null);
            if (name == null || !functions.containsKey(name)) {
                return AssertionResult.of(spec, false, "be a valid OpenAI tools call",
                        "function '" + name + "' is not among the configured tools " + functions.keySet());
            }
            JsonNode argsText = call.path("function").path("arguments");
            JsonNode args = argsText.isTextual() ? JsonValues.parse(argsText.asText()) : argsText.isObject() ? argsText : null;
            if (args == null) {
                return AssertionResult.of(spec, false, "be a valid OpenAI tools call",
                        "arguments of '" + name + "' are not JSON");
            }
            JsonNode parameters = functions.get(name);
            if (!parameters.isMissingNode() && !parameters.isNull()) {
                String violations = JsonValues.violations(JsonValues.schema(parameters), args);
                if (!violations.isEmpty()) {
                    return AssertionResult.of(spec, false, "be a valid OpenAI tools call",
                            "arguments of '" + name + "' do not match its parameters: " + violations);
                }
            }
        }
        return AssertionResult.of(spec, true, "be a valid OpenAI tools call", null);
    }
}
