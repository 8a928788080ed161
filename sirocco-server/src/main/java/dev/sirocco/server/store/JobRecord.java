package dev.sirocco.server.store;

/**
 * A fine-tuning job as stored.
 *
 * @param spec           the normalised request as JSON: files, hyperparameters, suffix, seed, metadata
 * @param fineTunedModel the model id it produced, once it succeeded
 * @param errorCode      why it failed (with {@code errorMessage} and {@code errorParam}), or null
 */
public record JobRecord(String id, String owner, String model, String status, String spec, String fineTunedModel,
                        Long trainedTokens, String errorCode, String errorMessage, String errorParam,
                        long createdMs, Long startedMs, Long finishedMs) {
    public static final String VALIDATING = "validating_files";
    /** Validated, waiting to be started (a Mistral job created with {@code auto_start: false}). */
    public static final String VALIDATED = "validated";
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    /** Whether the job can change no more. */
    public boolean finished() {
        return status.equals(SUCCEEDED) || status.equals(FAILED) || status.equals(CANCELLED);
    }
}
