package dev.sirocco.evals.assertions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.evals.providers.Message;
import dev.sirocco.evals.providers.ProviderResponse;
import dev.sirocco.evals.suite.AssertionSpec;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The assertions another model grades, with promptfoo's semantics: {@code llm-rubric} asks a judge whether the
 * output satisfies the rubric (JSON {@code {reason, pass, score}}; with a threshold the score decides), and
 * {@code similar} passes when the cosine similarity of embeddings reaches the threshold (default 0.75).
 */
final class ModelGraded {
    static final double DEFAULT_SIMILARITY = 0.75;

    static final String RUBRIC_SYSTEM = """
            You grade an output against a rubric. The output passes if the rubric's statement is true of it.
            Reply with only a JSON object: {"reason": "<one sentence>", "pass": true or false, "score": <number from 0 to 1>}.""";

    private ModelGraded() {
    }

    static AssertionResult llmRubric(AssertionSpec spec, String rubric, String output, Graders graders) {
        List<Message> messages = List.of(new Message("system", RUBRIC_SYSTEM),
                new Message("user", "<Output>\n" + output + "\n</Output>\n<Rubric>\n" + rubric + "\n</Rubric>"));
        ProviderResponse r = graders.chat(spec.grader()).complete(messages);
        if (r.error() != null) {
            return AssertionResult.error(spec, "llm-rubric grader failed: " + r.error());
        }
        List<JsonNode> verdicts = JsonValues.extractObjects(r.output() == null ? "" : r.output());
        JsonNode v = verdicts.stream().filter(n -> n.path("pass").isBoolean()).findFirst().orElse(null);
        if (v == null) {
            return AssertionResult.error(spec, "llm-rubric grader did not answer with {\"pass\": ...}: " + abbreviate(r.output()));
        }
        boolean raw = v.get("pass").asBoolean();
        double score = v.path("score").isNumber() ? v.get("score").asDouble() : raw ? 1 : 0;
        if (spec.threshold() != null) {
            raw = score >= spec.threshold();
        }
        boolean pass = raw != spec.inverse();
        String reason = v.path("reason").asText("");
        return new AssertionResult(spec, pass, spec.inverse() ? 1 - score : score,
                pass ? "passed" : "grader: " + (reason.isEmpty() ? "pass=" + raw : reason)
                        + (spec.threshold() != null ? String.format(Locale.ROOT, " (score %.2f, threshold %s)", score,
                        Assertions.jsString(spec.threshold())) : ""));
    }

    static AssertionResult similar(AssertionSpec spec, List<String> expected, String output, Graders graders) {
        double threshold = spec.threshold() != null ? spec.threshold() : DEFAULT_SIMILARITY;
        List<String> texts = new ArrayList<>();
        texts.add(output);
        texts.addAll(expected);
        List<double[]> vectors;
        try {
            vectors = graders.embedder(spec.grader()).embed(texts);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            return AssertionResult.error(spec, "similar: " + e.getMessage());
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 1; i < vectors.size(); i++) {
            best = Math.max(best, cosine(vectors.get(0), vectors.get(i)));
        }
        boolean pass = spec.inverse() ? best < threshold : best >= threshold;
        String detail = String.format(Locale.ROOT, "similarity %.3f, threshold %s", best, Assertions.jsString(threshold));
        return new AssertionResult(spec, pass, spec.inverse() ? 1 - best : best,
                pass ? "passed" : "expected output to " + (spec.inverse() ? "not " : "") + "be similar to "
                        + expected + " (" + detail + ")");
    }

    static double cosine(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings of different lengths " + a.length + " and " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "(nothing)";
        }
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
