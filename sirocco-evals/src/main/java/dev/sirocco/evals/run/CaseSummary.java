package dev.sirocco.evals.run;

/**
 * A (provider, prompt, test) case over its repetitions: pass count, pass rate with its 95% Wilson interval,
 * and the mean weighted score.
 */
public record CaseSummary(String key, String provider, String prompt, int testIndex, String test, int runs,
                          int passes, double meanScore, double low, double high) {
    public double passRate() {
        return runs == 0 ? 0 : (double) passes / runs;
    }
}
