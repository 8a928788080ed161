package dev.sirocco.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Qwen3-Coder and Qwen 3.5: each call is {@code <tool_call>\n<function=NAME>\n<parameter=KEY>\nVALUE\n</parameter>\n
 * ...</function>\n</tool_call>}, as the templates' instructions and assistant turns write it. Values are raw text
 * (the templates print strings as they are, numbers and booleans with Python's {@code str}, objects and lists as
 * JSON), so they are typed back by the tool's parameter schema when known: "string" stays text, other types are read
 * as JSON (or Python's True/False); with no schema, text that is JSON other than a string is read as JSON.
 * The call is not JSON, so {@link #callSchema} describes the call it stands for, not its text.
 */
public final class QwenXmlToolCalls extends ToolCallFormat {
    private static final String OPEN = "<tool_call>";
    private static final String CLOSE = "</tool_call>";
    private static final String FUNCTION = "<function=";
    private static final String FUNCTION_END = "</function>";
    private static final String PARAMETER = "<parameter=";
    private static final String PARAMETER_END = "</parameter>";

    /** Per function name, per parameter, its JSON-schema type ("string", "integer", ...) where the tools say. */
    private final Map<String, Map<String, String>> types;

    public QwenXmlToolCalls() {
        this(Map.of());
    }

    private QwenXmlToolCalls(Map<String, Map<String, String>> types) {
        this.types = types;
    }

    @Override
    public ToolCallFormat forTools(List<Map<String, Object>> tools) {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (Map<String, Object> tool : tools) {
            if (!(tool.get("function") instanceof Map<?, ?> fn) || !(fn.get("name") instanceof String name)) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            if (fn.get("parameters") instanceof Map<?, ?> schema && schema.get("properties") instanceof Map<?, ?> props) {
                for (Map.Entry<?, ?> p : props.entrySet()) {
                    if (p.getValue() instanceof Map<?, ?> ps && ps.get("type") instanceof String type) {
                        params.put(String.valueOf(p.getKey()), type);
                    }
                }
            }
            out.put(name, params);
        }
        return new QwenXmlToolCalls(out);
    }

    @Override
    public String name() {
        return "qwen-xml";
    }

    @Override
    public String openText() {
        return OPEN + "\n" + FUNCTION;
    }

    @Override
    public String closeText() {
        return FUNCTION_END + "\n" + CLOSE;
    }

    @Override
    public List<String> preservedTokens() {
        return List.of(OPEN, CLOSE);
    }

    private static final int INCOMPLETE = -1;
    private static final int INVALID = -2;

    @Override
    Step step(String text, int from, boolean end, boolean callPosition) {
        Step before = contentBefore(text, from, OPEN, end);
        if (before != null) {
            return before;
        }
        int after = from + OPEN.length();
        Parse p = new Parse(text);
        int stop = p.call(after);
        if (stop == INCOMPLETE) {
            if (end && p.function != null && p.closedFunction) {
                return new Step.Calls(text.length(), List.of(p.toCall()));
            }
            return end ? new Step.Text(text.length()) : NEED_MORE;
        }
        if (stop == INVALID) {
            return new Step.Text(after);
        }
        return new Step.Calls(stop, List.of(p.toCall()));
    }

    /** One call's text read from after {@code <tool_call>}. */
    private final class Parse {
        final String text;
        String function;
        final ObjectNode args = JSON.createObjectNode();
        boolean closedFunction;

        Parse(String text) {
            this.text = text;
        }

        /** The index after {@code </tool_call>}, {@link #INCOMPLETE} or {@link #INVALID}. */
        int call(int i) {
            i = literal(JsonExtent.skipWhitespace(text, i), FUNCTION);
            if (i < 0) {
                return i;
            }
            int gt = text.indexOf('>', i);
            if (gt < 0) {
                return text.indexOf('\n', i) >= 0 ? INVALID : INCOMPLETE;
            }
            function = text.substring(i, gt);
            if (function.isBlank() || function.contains("\n") || function.contains("<")) {
                return INVALID;
            }
            i = gt + 1;
            while (true) {
                int at = JsonExtent.skipWhitespace(text, i);
                if (text.startsWith(FUNCTION_END, at)) {
                    closedFunction = true;
                    return literal(JsonExtent.skipWhitespace(text, at + FUNCTION_END.length()), CLOSE);
                }
                int j = literal(at, PARAMETER);
                if (j == INVALID) {
                    // not a parameter: it may still be the start of </function>
                    return FUNCTION_END.startsWith(text.substring(at, Math.min(text.length(), at + FUNCTION_END.length())))
                            && at + FUNCTION_END.length() > text.length() ? INCOMPLETE : INVALID;
                }
                if (j < 0) {
                    return j;
                }
                int keyEnd = text.indexOf('>', j);
                if (keyEnd < 0) {
                    return text.indexOf('\n', j) >= 0 ? INVALID : INCOMPLETE;
                }
                String key = text.substring(j, keyEnd);
                int valueEnd = text.indexOf(PARAMETER_END, keyEnd + 1);
                if (key.isBlank() || key.contains("\n")) {
                    return INVALID;
                }
                if (valueEnd < 0) {
                    return INCOMPLETE;
                }
                String value = text.substring(keyEnd + 1, valueEnd);
                value = value.startsWith("\n") ? value.substring(1) : value;
                value = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
                args.set(key, typed(key, value));
                i = valueEnd + PARAMETER_END.length();
            }
        }

        /** The index after {@code lit} at {@code i}; INCOMPLETE when the text ends inside it, INVALID when it differs. */
        int literal(int i, String lit) {
            int n = Math.min(lit.length(), text.length() - i);
            if (!text.regionMatches(i, lit, 0, n)) {
                return INVALID;
            }
            return n < lit.length() ? INCOMPLETE : i + lit.length();
        }

        JsonNode typed(String key, String value) {
            String type = types.getOrDefault(function, Map.of()).get(key);
            if ("string".equals(type)) {
                return JSON.getNodeFactory().textNode(value);
            }
            String v = value.strip();
            if (v.equals("True") || v.equals("False")) {
                return JSON.getNodeFactory().booleanNode(v.equals("True"));
            }
            JsonNode json = parse(v, 0, v.length());
            return json != null && !json.isTextual() && !json.isMissingNode() ? json : JSON.getNodeFactory().textNode(value);
        }

        ToolCall toCall() {
            return new ToolCall(null, function, args.toString());
        }
    }
}
