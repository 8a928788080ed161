package dev.sirocco.server;

import java.nio.file.Path;

/**
 * Decides whether a fine-tuned model is better than its base on an eval suite (issue #5's fine-tuning gate): a job that
 * names a suite ({@code eval_suite}, a file uploaded with purpose {@code evals}) is evaluated after training, and its
 * model is marked promoted only when the result is significantly better. Implemented where the evals runner lives
 * (the CLI's {@code serve}); the server only calls it.
 */
public interface FineTuningGate {
    /**
     * Runs the suite against both models (served by this server under those ids) and compares them.
     *
     * @param suite          the suite file (promptfoo format)
     * @param baseModel      the base model's id
     * @param fineTunedModel the fine-tuned model's id
     */
    Verdict evaluate(Path suite, String baseModel, String fineTunedModel) throws Exception;

    /**
     * @param basePassed      passing runs of the base model
     * @param fineTunedPassed passing runs of the fine-tuned model
     * @param runs            runs of each model
     * @param pValue          two-sided p-value of Fisher's exact test on the two pass counts
     * @param promoted        the fine-tuned model passes more often and the difference is significant
     */
    record Verdict(int basePassed, int fineTunedPassed, int runs, double pValue, boolean promoted) {
    }
}
