package dev.sirocco.evals.run;

import java.util.List;

/** Everything one eval run produced: every run, and the per-case summaries the reports print. */
public record EvalReport(String description, int repeat, List<CaseRun> runs, List<CaseSummary> cases,
                         long wallMillis) {
    public long passedRuns() {
        return runs.stream().filter(CaseRun::pass).count();
    }

    public long erroredRuns() {
        return runs.stream().filter(r -> r.error() != null).count();
    }

    public boolean allPassed() {
        return passedRuns() == runs.size();
    }
}
