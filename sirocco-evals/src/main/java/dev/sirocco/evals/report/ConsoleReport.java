package dev.sirocco.evals.report;

import dev.sirocco.evals.run.CaseSummary;
import dev.sirocco.evals.run.EvalReport;

import java.io.PrintStream;
import java.util.Locale;

/** The table printed when a run ends: one row per case, pass counts, 95% interval, score, then the baseline verdict. */
public final class ConsoleReport {
    private ConsoleReport() {
    }

    public static void print(PrintStream out, EvalReport report, BaselineComparison comparison) {
        if (report.description() != null) {
            out.println(report.description());
        }
        boolean repeated = report.repeat() > 1;
        out.printf(Locale.ROOT, "%-6s %-9s %-17s %-6s %s%n", "result", "passes", repeated ? "rate [95% CI]" : "", "score",
                "provider | prompt | test");
        for (CaseSummary c : report.cases()) {
            String status = c.passes() == c.runs() ? "PASS" : c.passes() == 0 ? "FAIL" : "FLAKY";
            String rate = repeated ? String.format(Locale.ROOT, "%3.0f%% [%3.0f-%3.0f%%]", 100 * c.passRate(),
                    100 * c.low(), 100 * c.high()) : "";
            out.printf(Locale.ROOT, "%-6s %-9s %-17s %-6.2f %s%n", status, c.passes() + "/" + c.runs(), rate,
                    c.meanScore(), c.key());
        }
        report.runs().stream().filter(r -> !r.pass()).limit(20).forEach(r -> out.println("  x " + r.key()
                + (repeated ? " [run " + (r.repetition() + 1) + "]" : "") + ": "
                + (r.error() != null ? "provider error: " + r.error() : r.grade().reason())));
        out.printf(Locale.ROOT, "%d/%d runs passed, %d errors, %.1f s%n", report.passedRuns(), report.runs().size(),
                report.erroredRuns(), report.wallMillis() / 1000.0);
        if (comparison != null) {
            for (BaselineComparison.Change c : comparison.regressions()) {
                out.printf(Locale.ROOT, "REGRESSION %s: %d/%d -> %d/%d (p=%.4f)%n", c.key(), c.basePasses(), c.baseRuns(),
                        c.passes(), c.runs(), c.pValue());
            }
            for (BaselineComparison.Change c : comparison.improvements()) {
                out.printf(Locale.ROOT, "IMPROVEMENT %s: %d/%d -> %d/%d (p=%.4f)%n", c.key(), c.basePasses(), c.baseRuns(),
                        c.passes(), c.runs(), c.pValue());
            }
            long noise = comparison.changes().stream().filter(c -> c.kind() == BaselineComparison.Kind.NOT_SIGNIFICANT).count();
            BaselineComparison.Change all = comparison.overall();
            out.printf(Locale.ROOT, "baseline: %d regressions, %d improvements, %d changes within noise (Fisher's exact, alpha %.2f); "
                            + "all cases %d/%d -> %d/%d (p=%.4f)%n", comparison.regressions().size(),
                    comparison.improvements().size(), noise, comparison.alpha(), all.basePasses(), all.baseRuns(),
                    all.passes(), all.runs(), all.pValue());
            if (!comparison.newCases().isEmpty() || !comparison.onlyInBaseline().isEmpty()) {
                out.printf("baseline: %d new cases, %d cases only in the baseline%n", comparison.newCases().size(),
                        comparison.onlyInBaseline().size());
            }
        }
    }
}
