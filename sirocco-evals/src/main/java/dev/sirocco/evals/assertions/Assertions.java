package dev.sirocco.evals.assertions;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import dev.sirocco.evals.suite.AssertionSpec;
import dev.sirocco.evals.suite.VarTemplate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Evaluates one assertion on one output with promptfoo's semantics for each type (see its docs page
 * "Assertions &amp; metrics"): string values are first rendered with the test's vars, list-valued types
 * accept a comma-separated string, and {@code not-} negates the check.
 */
public final class Assertions {
    private Assertions() {
    }

    public static AssertionResult evaluate(AssertionSpec spec, Output output, Map<String, Object> vars) {
        return evaluate(spec, output, vars, "");
    }

    /** As {@link #evaluate(AssertionSpec, Output, Map)}, telling code-based assertions the rendered prompt. */
    public static AssertionResult evaluate(AssertionSpec spec, Output output, Map<String, Object> vars, String prompt) {
        return evaluate(spec, output, vars, prompt, Graders.NONE);
    }

    /** As above, with the judges and embedders model-graded assertions ask. */
    public static AssertionResult evaluate(AssertionSpec spec, Output output, Map<String, Object> vars, String prompt,
                                           Graders graders) {
        Object value = render(spec.value(), vars);
        String out = output.text() == null ? "" : output.text();
        return switch (spec.type()) {
            case "equals" -> equalsCheck(spec, value, out);
            case "contains" -> AssertionResult.of(spec, out.contains(jsString(value)), "contain " + quote(value), null);
            case "icontains" -> AssertionResult.of(spec, lower(out).contains(lower(jsString(value))),
                    "contain " + quote(value) + " ignoring case", null);
            case "starts-with" -> AssertionResult.of(spec, out.startsWith(jsString(value)), "start with " + quote(value), null);
            case "regex" -> AssertionResult.of(spec, Pattern.compile(jsString(value)).matcher(out).find(),
                    "match /" + jsString(value) + "/", null);
            case "contains-any", "icontains-any" -> containsAny(spec, list(value), out, spec.type().startsWith("i"));
            case "contains-all", "icontains-all" -> containsAll(spec, list(value), out, spec.type().startsWith("i"));
            case "is-json" -> isJson(spec, value, out);
            case "contains-json" -> containsJson(spec, value, out);
            case "latency" -> latency(spec, output);
            case "perplexity", "perplexity-score" -> perplexity(spec, output);
            case "is-valid-openai-tools-call" -> ToolCalls.check(spec, output);
            case "llm-rubric" -> ModelGraded.llmRubric(spec, jsString(value), out, graders);
            case "similar" -> ModelGraded.similar(spec, value instanceof List<?> ? list(value) : List.of(jsString(value)),
                    out, graders);
            case "javascript" -> JavascriptCheck.check(spec, jsString(value).stripTrailing(), out, vars, prompt);
            default -> throw new IllegalStateException("assertion type " + spec.type() + " passed the suite check but has no evaluator");
        };
    }

    private static AssertionResult equalsCheck(AssertionSpec spec, Object value, String out) {
        if (value instanceof Map || value instanceof List) {
            // promptfoo compares objects structurally with the parsed output
            JsonNode expected = JsonValues.STRICT.valueToTree(value);
            JsonNode actual = JsonValues.parse(out);
            boolean same = actual != null && actual.equals(NUMERIC_EQUALITY, expected);
            return AssertionResult.of(spec, same, "equal " + expected, actual == null ? "output is not JSON" : null);
        }
        return AssertionResult.of(spec, out.equals(jsString(value)), "equal " + quote(value), null);
    }

    /** JSON numbers compare by value, as JavaScript's do (1 equals 1.0). */
    private static final Comparator<JsonNode> NUMERIC_EQUALITY = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private static AssertionResult containsAny(AssertionSpec spec, List<String> values, String out, boolean ignoreCase) {
        String hay = ignoreCase ? lower(out) : out;
        boolean any = values.stream().anyMatch(v -> hay.contains(ignoreCase ? lower(v) : v));
        return AssertionResult.of(spec, any, "contain one of " + values + (ignoreCase ? " ignoring case" : ""), null);
    }

    private static AssertionResult containsAll(AssertionSpec spec, List<String> values, String out, boolean ignoreCase) {
        String hay = ignoreCase ? lower(out) : out;
        List<String> missing = values.stream().filter(v -> !hay.contains(ignoreCase ? lower(v) : v)).toList();
        return AssertionResult.of(spec, missing.isEmpty(), "contain all of " + values + (ignoreCase ? " ignoring case" : ""),
                "missing " + missing);
    }

    private static AssertionResult isJson(AssertionSpec spec, Object schemaValue, String out) {
        JsonNode parsed = JsonValues.parse(out);
        if (parsed == null) {
            return AssertionResult.of(spec, false, "be valid JSON", null);
        }
        if (schemaValue == null) {
            return AssertionResult.of(spec, true, "be valid JSON", null);
        }
        String violations = JsonValues.violations(JsonValues.schema(schemaValue), parsed);
        return AssertionResult.of(spec, violations.isEmpty(), "be JSON conforming to the schema", violations);
    }

    private static AssertionResult containsJson(AssertionSpec spec, Object schemaValue, String out) {
        List<JsonNode> found = JsonValues.extractObjects(out);
        if (schemaValue == null || found.isEmpty()) {
            return AssertionResult.of(spec, !found.isEmpty(), "contain valid JSON", null);
        }
        JsonSchema schema = JsonValues.schema(schemaValue);
        String lastViolations = "";
        for (JsonNode node : found) {
            String v = JsonValues.violations(schema, node);
            if (v.isEmpty()) {
                return AssertionResult.of(spec, true, "contain JSON conforming to the schema", null);
            }
            lastViolations = v;
        }
        return AssertionResult.of(spec, false, "contain JSON conforming to the schema", lastViolations);
    }

    /**
     * promptfoo's {@code perplexity} (exp of the negative mean token log-probability, passing at or below the
     * threshold; score 1 or 0) and {@code perplexity-score} (1 / (1 + perplexity), passing at or above the
     * threshold; the score is that value). Without a threshold both pass, as in promptfoo.
     */
    private static AssertionResult perplexity(AssertionSpec spec, Output output) {
        List<Double> lp = output.logprobs();
        if (lp == null || lp.isEmpty()) {
            return AssertionResult.error(spec, spec.type() + " needs token log-probabilities, and the provider returned"
                    + " none (sirocco: and openai: providers return them; a cached response from before may lack them: --no-cache)");
        }
        double mean = lp.stream().mapToDouble(Double::doubleValue).sum() / lp.size();
        double perplexity = Math.exp(-mean);
        Double t = spec.threshold();
        if (spec.type().equals("perplexity")) {
            boolean pass = t == null || perplexity <= t;
            return AssertionResult.of(spec, pass, "have perplexity at most " + (t == null ? "(any)" : fmt(t)),
                    "perplexity " + String.format(java.util.Locale.ROOT, "%.2f", perplexity) + " over " + lp.size() + " tokens");
        }
        double score = 1 / (1 + perplexity);
        boolean pass = t == null || score >= t;
        return AssertionResult.scored(spec, pass, score, "have a perplexity score of at least " + (t == null ? "(any)" : fmt(t)),
                "perplexity score " + String.format(java.util.Locale.ROOT, "%.3f", score) + " (perplexity "
                        + String.format(java.util.Locale.ROOT, "%.2f", perplexity) + ")");
    }

    private static AssertionResult latency(AssertionSpec spec, Output output) {
        if (output.cached()) {
            return AssertionResult.error(spec, "latency cannot be checked on a cached response; run with --no-cache");
        }
        double limit = spec.threshold();
        return AssertionResult.of(spec, output.latencyMs() <= limit, "take at most " + fmt(limit) + " ms",
                "took " + output.latencyMs() + " ms");
    }

    /** Renders string values (and strings inside lists) with the test's vars, as promptfoo renders assertion values. */
    static Object render(Object value, Map<String, Object> vars) {
        if (value instanceof String s) {
            return VarTemplate.render(s, vars);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(render(v, vars)));
            return out;
        }
        return value;
    }

    /** A list value, or promptfoo's comma-separated string form (double quotes protect commas). */
    static List<String> list(Object value) {
        if (value instanceof List<?> l) {
            return l.stream().map(Assertions::jsString).toList();
        }
        return splitCommaSeparated(jsString(value));
    }

    static List<String> splitCommaSeparated(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().strip());
        return out.stream().filter(v -> !v.isEmpty()).toList();
    }

    /** JavaScript's String(value): integral doubles print without ".0". */
    static String jsString(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(value);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static String quote(Object v) {
        return "\"" + jsString(v) + "\"";
    }

    private static String fmt(double d) {
        return jsString(d);
    }
}
