package dev.sirocco.evals.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.evals.assertions.AssertionResult;
import dev.sirocco.evals.run.CaseRun;
import dev.sirocco.evals.run.CaseSummary;
import dev.sirocco.evals.run.EvalReport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine-readable report ({@code --json}); it is also what {@code --baseline} reads back, so its
 * {@code cases} (key, runs, passes) and {@code results} (key, output) are a contract. Format id: {@value #FORMAT}.
 */
public final class JsonReport {
    public static final String FORMAT = "sirocco-eval/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static ObjectNode toJson(EvalReport report, BaselineComparison comparison) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("description", report.description());
        root.put("repeat", report.repeat());
        root.put("wall_ms", report.wallMillis());
        ObjectNode summary = root.putObject("summary");
        summary.put("runs", report.runs().size());
        summary.put("passed", report.passedRuns());
        summary.put("failed", report.runs().size() - report.passedRuns());
        summary.put("errors", report.erroredRuns());
        ArrayNode cases = root.putArray("cases");
        for (CaseSummary c : report.cases()) {
            ObjectNode n = cases.addObject();
            n.put("key", c.key());
            n.put("provider", c.provider());
            n.put("prompt", c.prompt());
            n.put("test", c.test());
            n.put("runs", c.runs());
            n.put("passes", c.passes());
            n.put("pass_rate", c.passRate());
            n.put("ci95_low", c.low());
            n.put("ci95_high", c.high());
            n.put("mean_score", c.meanScore());
        }
        ArrayNode results = root.putArray("results");
        for (CaseRun r : report.runs()) {
            ObjectNode n = results.addObject();
            n.put("key", r.key());
            n.put("provider", r.provider());
            n.put("prompt", r.prompt());
            n.put("test", r.test());
            n.put("repetition", r.repetition());
            n.set("vars", JSON.valueToTree(r.vars()));
            n.put("prompt_text", r.renderedPrompt());
            n.put("output", r.output());
            n.put("error", r.error());
            n.put("latency_ms", r.latencyMs());
            n.put("cached", r.cached());
            n.put("pass", r.pass());
            n.put("score", r.grade().score());
            n.put("reason", r.grade().reason());
            n.set("named_scores", JSON.valueToTree(r.grade().namedScores()));
            ArrayNode asserts = n.putArray("assertions");
            for (AssertionResult a : r.grade().results()) {
                ObjectNode an = asserts.addObject();
                an.put("type", a.spec().displayType());
                an.put("pass", a.pass());
                an.put("score", a.score());
                an.put("weight", a.spec().weight());
                an.put("metric", a.spec().metric());
                an.put("reason", a.reason());
            }
        }
        if (comparison != null) {
            root.set("baseline", comparison.toJson());
        }
        return root;
    }

    public static void write(Path file, EvalReport report, BaselineComparison comparison) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(toJson(report, comparison)), StandardCharsets.UTF_8);
    }

    /** A previous run read back: per case key, its pass counts and its first output. */
    public record Previous(Map<String, int[]> passesAndRuns, Map<String, String> outputs) {
    }

    /** Reads a report written by {@link #write}; anything else is a bad input with a clear sentence. */
    public static Previous read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("baseline " + file + " is not JSON: " + e.getOriginalMessage());
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException("baseline " + file + " is not a report written by sirocco eval --json (format "
                    + FORMAT + ")");
        }
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (JsonNode c : root.path("cases")) {
            counts.put(c.path("key").asText(), new int[]{c.path("passes").asInt(), c.path("runs").asInt()});
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (JsonNode r : root.path("results")) {
            outputs.putIfAbsent(r.path("key").asText(), r.path("output").isNull() ? null : r.path("output").asText());
        }
        return new Previous(counts, outputs);
    }
}
