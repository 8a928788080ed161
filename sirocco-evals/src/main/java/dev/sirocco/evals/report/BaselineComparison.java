package dev.sirocco.evals.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.evals.run.CaseSummary;
import dev.sirocco.evals.run.EvalReport;
import dev.sirocco.evals.run.Stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * This run against a previous one, case by case: a change in pass count is a regression (or improvement)
 * only when Fisher's exact test gives p &lt; {@code alpha}; smaller differences are reported as noise.
 * One run per case can never be significant, so gating on regressions needs {@code --repeat}.
 */
public record BaselineComparison(double alpha, List<Change> changes, List<String> onlyInBaseline,
                                 List<String> newCases, Change overall) {

    public enum Kind { REGRESSION, IMPROVEMENT, NOT_SIGNIFICANT, UNCHANGED }

    public record Change(String key, int basePasses, int baseRuns, int passes, int runs, double pValue, Kind kind,
                         String baseOutput) {
        double baseRate() {
            return baseRuns == 0 ? 0 : (double) basePasses / baseRuns;
        }

        double rate() {
            return runs == 0 ? 0 : (double) passes / runs;
        }
    }

    public static final double DEFAULT_ALPHA = 0.05;

    public static BaselineComparison compare(EvalReport current, JsonReport.Previous baseline, double alpha) {
        return compare(current.cases(), baseline, alpha);
    }

    /**
     * Two providers of one run against each other, case by case ("prompt | test"): {@code candidate}'s changes
     * relative to {@code base}. This is the question a fine-tuning gate asks: is the tuned model significantly
     * better than its base on the suite, and where is it worse?
     */
    public static BaselineComparison compareProviders(EvalReport report, String base, String candidate, double alpha) {
        Map<String, int[]> counts = new java.util.LinkedHashMap<>();
        Map<String, String> outputs = new java.util.LinkedHashMap<>();
        List<CaseSummary> candidates = new ArrayList<>();
        for (CaseSummary c : report.cases()) {
            String key = c.prompt() + " | " + c.test();
            if (c.provider().equals(base)) {
                counts.put(key, new int[]{c.passes(), c.runs()});
                report.runs().stream().filter(r -> r.key().equals(c.key())).findFirst()
                        .ifPresent(r -> outputs.put(key, r.output()));
            } else if (c.provider().equals(candidate)) {
                candidates.add(new CaseSummary(key, c.provider(), c.prompt(), c.testIndex(), c.test(), c.runs(),
                        c.passes(), c.meanScore(), c.low(), c.high()));
            }
        }
        if (counts.isEmpty() || candidates.isEmpty()) {
            throw new IllegalArgumentException("the run has no cases for provider '" + (counts.isEmpty() ? base : candidate) + "'");
        }
        return compare(candidates, new JsonReport.Previous(counts, outputs), alpha);
    }

    private static BaselineComparison compare(List<CaseSummary> current, JsonReport.Previous baseline, double alpha) {
        List<Change> changes = new ArrayList<>();
        List<String> added = new ArrayList<>();
        int basePassSum = 0;
        int baseRunSum = 0;
        int passSum = 0;
        int runSum = 0;
        for (CaseSummary c : current) {
            int[] b = baseline.passesAndRuns().get(c.key());
            if (b == null) {
                added.add(c.key());
                continue;
            }
            changes.add(change(c.key(), b[0], b[1], c.passes(), c.runs(), alpha, baseline.outputs().get(c.key())));
            basePassSum += b[0];
            baseRunSum += b[1];
            passSum += c.passes();
            runSum += c.runs();
        }
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, int[]> e : baseline.passesAndRuns().entrySet()) {
            if (current.stream().noneMatch(c -> c.key().equals(e.getKey()))) {
                removed.add(e.getKey());
            }
        }
        Change overall = change("all cases", basePassSum, baseRunSum, passSum, runSum, alpha, null);
        return new BaselineComparison(alpha, changes, removed, added, overall);
    }

    private static Change change(String key, int bp, int bn, int p, int n, double alpha, String baseOutput) {
        double pValue = Stats.fisherTwoSided(p, n - p, bp, bn - bp);
        double rate = n == 0 ? 0 : (double) p / n;
        double baseRate = bn == 0 ? 0 : (double) bp / bn;
        Kind kind = rate == baseRate ? Kind.UNCHANGED
                : pValue >= alpha ? Kind.NOT_SIGNIFICANT
                : rate < baseRate ? Kind.REGRESSION : Kind.IMPROVEMENT;
        return new Change(key, bp, bn, p, n, pValue, kind, baseOutput);
    }

    public List<Change> regressions() {
        return changes.stream().filter(c -> c.kind() == Kind.REGRESSION).toList();
    }

    public List<Change> improvements() {
        return changes.stream().filter(c -> c.kind() == Kind.IMPROVEMENT).toList();
    }

    /** Whether CI should fail: a case, or all cases pooled, got significantly worse. */
    public boolean regressed() {
        return !regressions().isEmpty() || overall.kind() == Kind.REGRESSION;
    }

    ObjectNode toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode n = json.createObjectNode();
        n.put("alpha", alpha);
        n.put("test", "Fisher's exact test, two-sided, on pass counts");
        ArrayNode arr = n.putArray("changes");
        for (Change c : changes) {
            if (c.kind() != Kind.UNCHANGED) {
                arr.add(changeJson(json, c));
            }
        }
        n.set("overall", changeJson(json, overall));
        n.set("only_in_baseline", json.valueToTree(onlyInBaseline));
        n.set("new_cases", json.valueToTree(newCases));
        return n;
    }

    private static ObjectNode changeJson(ObjectMapper json, Change c) {
        ObjectNode o = json.createObjectNode();
        o.put("key", c.key());
        o.put("kind", c.kind().name().toLowerCase());
        o.put("baseline_passes", c.basePasses());
        o.put("baseline_runs", c.baseRuns());
        o.put("passes", c.passes());
        o.put("runs", c.runs());
        o.put("p_value", c.pValue());
        return o;
    }
}
