package dev.sirocco.evals.assertions;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sirocco.evals.suite.AssertionSpec;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code javascript}: promptfoo's inline JavaScript assertion, run in embedded GraalJS under
 * {@link SandboxPolicy#CONSTRAINED} (no file system, network, processes, threads, native or host-class access;
 * console output discarded) with a time limit. Like promptfoo, a one-line value is an expression (or
 * declarations followed by a final expression) and a multi-line value is a function body; both see
 * {@code output} (the text) and {@code context} ({@code prompt}, {@code vars}, {@code test}). A boolean
 * result is the verdict; a number is the score (pass if above 0, or at least the assertion's threshold);
 * an object {@code {pass, score, reason}} is taken as is.
 */
final class JavascriptCheck {
    static final long TIME_LIMIT_MS = 5_000;

    /** One engine shared by all contexts: parsing and warm-up are paid once. */
    private static final Engine ENGINE = Engine.newBuilder("js")
            .sandbox(SandboxPolicy.CONSTRAINED)
            .out(OutputStream.nullOutputStream())
            .err(OutputStream.nullOutputStream())
            .option("engine.WarnInterpreterOnly", "false")
            .build();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "javascript-assertion-watchdog");
        t.setDaemon(true);
        return t;
    });

    private JavascriptCheck() {
    }

    static AssertionResult check(AssertionSpec spec, String code, String output, Map<String, Object> vars, String prompt) {
        return check(spec, code, output, vars, prompt, TIME_LIMIT_MS);
    }

    static AssertionResult check(AssertionSpec spec, String code, String output, Map<String, Object> vars, String prompt,
                                 long timeLimitMs) {
        String body = code.contains("\n") ? code : functionBody(code.strip());
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("prompt", prompt);
        context.put("vars", vars);
        context.put("test", Map.of("vars", vars));
        String contextJson;
        try {
            contextJson = JsonValues.STRICT.writeValueAsString(context);
        } catch (JsonProcessingException e) {
            return AssertionResult.error(spec, "javascript: the vars cannot be passed to JavaScript: " + e.getOriginalMessage());
        }
        try (Context js = Context.newBuilder("js").engine(ENGINE).sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStream.nullOutputStream()).err(OutputStream.nullOutputStream()).build()) {
            Value bindings = js.getBindings("js");
            bindings.putMember("__output", output);
            bindings.putMember("__context", contextJson);
            ScheduledFuture<?> timeout = WATCHDOG.schedule(() -> js.close(true), timeLimitMs, TimeUnit.MILLISECONDS);
            try {
                Value result = js.eval(Source.create("js",
                        "(function (output, context) {\n" + body + "\n})(__output, JSON.parse(__context))"));
                return verdict(spec, result);
            } finally {
                timeout.cancel(false);
            }
        } catch (PolyglotException e) {
            String why = e.isCancelled() ? "ran longer than " + timeLimitMs + " ms" : e.getMessage();
            return AssertionResult.error(spec, "javascript threw: " + why);
        } catch (IllegalStateException e) {
            return AssertionResult.error(spec, "javascript ran longer than " + timeLimitMs + " ms");
        }
    }

    private static AssertionResult verdict(AssertionSpec spec, Value result) {
        if (result.isBoolean()) {
            boolean pass = result.asBoolean() != spec.inverse();
            return new AssertionResult(spec, pass, pass ? 1 : 0, pass ? "passed" : "JavaScript returned " + result.asBoolean());
        }
        if (result.isNumber() && Double.isFinite(result.asDouble())) {
            double score = result.asDouble();
            boolean raw = spec.threshold() == null ? score > 0 : score >= spec.threshold();
            boolean pass = raw != spec.inverse();
            return new AssertionResult(spec, pass, score, pass ? "passed" : "JavaScript returned score " + score
                    + (spec.threshold() == null ? "" : " against threshold " + spec.threshold()));
        }
        if (result.hasMembers() && result.hasMember("pass") && result.getMember("pass").isBoolean()) {
            boolean raw = result.getMember("pass").asBoolean();
            Value s = result.getMember("score");
            double score = s != null && s.isNumber() ? s.asDouble() : raw ? 1 : 0;
            Value r = result.getMember("reason");
            String reason = r != null && r.isString() ? r.asString() : null;
            boolean pass = raw != spec.inverse();
            return new AssertionResult(spec, pass, score, pass ? "passed"
                    : reason != null && !reason.isEmpty() ? reason : "JavaScript returned pass: " + raw);
        }
        return AssertionResult.error(spec, "javascript must return a boolean, a finite number or {pass, score, reason}; got "
                + result);
    }

    /**
     * promptfoo's one-line form: {@code return EXPR}, or, after leading declarations, {@code DECLS; return LAST}.
     * The last statement is found after the last top-level semicolon outside strings and brackets
     * (a regular-expression literal containing ';' is not recognised).
     */
    static String functionBody(String code) {
        String trimmed = code.replaceAll(";+\\s*$", "");
        if (!trimmed.matches("(?s)^(const|let|var)\\s.*")) {
            return "return " + trimmed;
        }
        int depth = 0;
        int last = -1;
        char quote = 0;
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ';' && depth == 0) {
                last = i;
            }
        }
        if (last < 0 || trimmed.substring(last + 1).isBlank()) {
            return trimmed;
        }
        return trimmed.substring(0, last + 1) + " return " + trimmed.substring(last + 1).strip();
    }
}
