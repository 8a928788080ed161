package dev.sirocco.evals.run;

import dev.sirocco.evals.assertions.TestGrade;

import java.util.Map;

/**
 * One run of one test with one prompt against one provider.
 *
 * @param key        identifies the (provider, prompt, test) case across runs and baselines
 * @param repetition 0-based index among {@code --repeat} runs
 * @param error      why the provider gave no answer, or null; such a run fails
 */
public record CaseRun(String key, String provider, String prompt, int testIndex, String test,
                      Map<String, Object> vars, int repetition, String renderedPrompt, String output, String error,
                      long latencyMs, boolean cached, TestGrade grade) {
    public boolean pass() {
        return error == null && grade.pass();
    }
}
