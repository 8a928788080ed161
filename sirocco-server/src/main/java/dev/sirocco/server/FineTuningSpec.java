package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.train.FinetuneConfig;
import dev.sirocco.train.lora.LoraTarget;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A fine-tuning job request, normalised from either dialect: OpenAI's ({@code training_file}, {@code validation_file},
 * {@code hyperparameters.n_epochs/batch_size/learning_rate_multiplier}, {@code method.supervised}) or Mistral's
 * ({@code training_files[{file_id, weight}]}, {@code validation_files}, {@code hyperparameters.training_steps/
 * learning_rate/epochs/seq_len/weight_decay/warmup_fraction}, {@code auto_start}), remembering which one it was: the
 * job answers in that dialect ({@link #mistralDialect()}). Every setting is resolved here
 * ("auto" included), so the stored job says exactly what will run and a restarted server runs the same thing.
 *
 * @param filesListed    whether the files came as Mistral's lists ({@code training_files[i].file_id}), for error params
 * @param steps          optimizer steps, or 0 to run {@code epochs} passes
 * @param learningRate   the peak learning rate (OpenAI's multiplier times {@link #BASE_LEARNING_RATE})
 * @param evalSuite      our extension: the id of an eval suite file (purpose {@code evals}) that decides whether the
 *                       result is promoted ({@link FineTuningGate}), or null
 * @param mistral        the dialect the job answers in: true when the request used a field only Mistral's API has
 *                       ({@link #MISTRAL_ONLY}); null in jobs stored before it was kept, which go by {@code filesListed}
 * @param autoStart      Mistral's {@code auto_start}: false keeps the validated job waiting for
 *                       {@code POST /v1/fine_tuning/jobs/{id}/start}; null (jobs stored before it was kept) means true
 */
record FineTuningSpec(String model, List<String> trainingFiles, List<String> validationFiles, boolean filesListed, int steps, int epochs,
                      int batch, float learningRate, int seqLen, float weightDecay, double warmupFraction, long seed,
                      String suffix, JsonNode metadata, String evalSuite, Boolean mistral, Boolean autoStart) {
    /** The peak learning rate an OpenAI multiplier of 1 means (sirocco finetune's default). */
    static final float BASE_LEARNING_RATE = 2e-4f;
    static final int DEFAULT_EPOCHS = 3;
    static final int DEFAULT_BATCH = 4;
    static final int DEFAULT_SEQ_LEN = 512;
    static final int LORA_RANK = 8;
    static final float LORA_ALPHA = 16f;
    private static final Set<String> FIELDS = Set.of("model", "training_file", "validation_file", "training_files",
            "validation_files", "hyperparameters", "suffix", "seed", "auto_start", "method", "metadata", "integrations",
            "eval_suite", "invalid_sample_skip_percentage", "job_type", "repositories", "classifier_targets");
    /**
     * Fields only Mistral's job request has (its SDK always sends {@code training_files} and
     * {@code invalid_sample_skip_percentage}); a request with any of them is a Mistral caller's, and its job answers
     * in Mistral's shape. OpenAI's request has none of them.
     */
    static final Set<String> MISTRAL_ONLY = Set.of("training_files", "validation_files", "auto_start",
            "invalid_sample_skip_percentage", "job_type", "repositories", "classifier_targets");
    private static final Set<String> HYPERPARAMETERS = Set.of("n_epochs", "batch_size", "learning_rate_multiplier",
            "training_steps", "learning_rate", "epochs", "seq_len", "weight_decay", "warmup_fraction", "fim_ratio");
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final SecureRandom SEEDS = new SecureRandom();

    /** Reads a request body; a 400 naming the field for anything missing, malformed, out of range or unsupported. */
    static FineTuningSpec parse(JsonNode body) {
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw ApiException.unsupported(f, "'" + f + "' is not a fine-tuning job parameter this server knows");
            }
        });
        String model = RequestFields.requiredString(body, "model", "model");
        List<String> training = new ArrayList<>();
        if (RequestFields.present(body, "training_file")) {
            training.add(RequestFields.requiredString(body, "training_file", "training_file"));
        }
        if (RequestFields.present(body, "training_files")) {
            JsonNode files = body.get("training_files");
            if (!files.isArray()) {
                throw ApiException.badField("training_files", "'training_files' must be an array of {\"file_id\", \"weight\"}");
            }
            for (int i = 0; i < files.size(); i++) {
                JsonNode f = files.get(i);
                String at = "training_files[" + i + "]";
                if (f.isTextual()) {
                    training.add(f.asText());
                    continue;
                }
                if (!f.isObject()) {
                    throw ApiException.badField(at, "'" + at + "' must be {\"file_id\", \"weight\"}");
                }
                training.add(RequestFields.requiredString(f, "file_id", at + ".file_id"));
                JsonNode w = f.get("weight");
                if (w != null && !w.isNull() && !(w.isNumber() && w.asDouble() == 1.0)) {
                    throw ApiException.unsupported(at + ".weight", "'" + at + ".weight' other than 1 is not supported yet:"
                            + " every training file counts the same; repeat lines in a file to weigh them");
                }
            }
        }
        if (training.isEmpty()) {
            throw ApiException.badField("training_file", "'training_file' (or Mistral's 'training_files') is required");
        }
        List<String> validation = new ArrayList<>();
        if (RequestFields.present(body, "validation_file")) {
            validation.add(RequestFields.requiredString(body, "validation_file", "validation_file"));
        }
        if (RequestFields.present(body, "validation_files")) {
            JsonNode files = body.get("validation_files");
            if (!files.isArray()) {
                throw ApiException.badField("validation_files", "'validation_files' must be an array of file ids");
            }
            for (int i = 0; i < files.size(); i++) {
                if (!files.get(i).isTextual()) {
                    throw ApiException.badField("validation_files[" + i + "]", "'validation_files[" + i + "]' must be a file id");
                }
                validation.add(files.get(i).asText());
            }
        }
        boolean autoStart = true;
        if (RequestFields.present(body, "auto_start")) {
            if (!body.get("auto_start").isBoolean()) {
                throw ApiException.badField("auto_start", "'auto_start' must be true or false, got " + RequestFields.kind(body.get("auto_start")));
            }
            autoStart = body.get("auto_start").asBoolean();
        }
        JsonNode skip = body.get("invalid_sample_skip_percentage");
        if (skip != null && !skip.isNull() && !(skip.isNumber() && skip.asDouble() == 0)) {
            throw ApiException.unsupported("invalid_sample_skip_percentage", "'invalid_sample_skip_percentage' other than 0"
                    + " is not supported: a training file with an invalid line is refused, naming the line, when it is uploaded");
        }
        JsonNode jobType = body.get("job_type");
        if (jobType != null && !jobType.isNull() && !jobType.asText().equals("completion")) {
            throw ApiException.unsupported("job_type", "only 'completion' fine-tuning jobs are supported, not '" + jobType.asText() + "'");
        }
        for (String f : List.of("repositories", "classifier_targets")) {
            JsonNode v = body.get(f);
            if (v != null && !v.isNull() && !(v.isArray() && v.isEmpty())) {
                throw ApiException.unsupported(f, "'" + f + "' is not supported by this server");
            }
        }
        boolean mistral = false;
        for (var it = body.fieldNames(); it.hasNext(); ) {
            mistral |= MISTRAL_ONLY.contains(it.next());
        }
        if (RequestFields.present(body, "integrations") && !(body.get("integrations").isArray() && body.get("integrations").isEmpty())) {
            throw ApiException.unsupported("integrations", "'integrations' (Weights & Biases) are not supported");
        }
        JsonNode hp = body.get("hyperparameters");
        String hpPath = "hyperparameters";
        JsonNode method = body.get("method");
        if (method != null && !method.isNull()) {
            String type = RequestFields.requiredString(method, "type", "method.type");
            if (!type.equals("supervised")) {
                throw ApiException.unsupported("method.type", "only 'supervised' fine-tuning is supported, not '" + type + "'");
            }
            JsonNode sup = method.get("supervised");
            if (sup != null && sup.has("hyperparameters")) {
                if (hp != null && !hp.isNull()) {
                    throw ApiException.badField("method.supervised.hyperparameters",
                            "give 'hyperparameters' or 'method.supervised.hyperparameters', not both");
                }
                hp = sup.get("hyperparameters");
                hpPath = "method.supervised.hyperparameters";
            }
        }
        if (hp == null || hp.isNull()) {
            hp = Json.MAPPER.createObjectNode();
        }
        if (!hp.isObject()) {
            throw ApiException.badField(hpPath, "'" + hpPath + "' must be an object");
        }
        final String hpAt = hpPath;
        hp.fieldNames().forEachRemaining(f -> {
            if (!HYPERPARAMETERS.contains(f)) {
                throw ApiException.unsupported(hpAt + "." + f, "'" + hpAt + "." + f + "' is not a hyperparameter this server knows");
            }
        });
        JsonNode fim = hp.get("fim_ratio");
        if (fim != null && !fim.isNull() && !(fim.isNumber() && fim.asDouble() == 0)) {
            throw ApiException.unsupported(hpPath + ".fim_ratio", "'" + hpPath + ".fim_ratio' other than 0 is not supported:"
                    + " training is on chat examples only");
        }
        Integer steps = intOrAuto(hp, "training_steps", hpPath, 1, 1_000_000);
        Integer nEpochs = intOrAuto(hp, "n_epochs", hpPath, 1, 50);
        Integer epochs = nEpochs != null ? nEpochs : intOrAuto(hp, "epochs", hpPath, 1, 50);
        if (nEpochs != null && hp.has("epochs") && !hp.get("epochs").isNull()) {
            throw ApiException.badField(hpPath + ".epochs", "give 'n_epochs' or 'epochs', not both");
        }
        if (steps != null && epochs != null) {
            throw ApiException.badField(hpPath + ".training_steps", "give 'training_steps' or epochs, not both");
        }
        Integer batch = intOrAuto(hp, "batch_size", hpPath, 1, 256);
        Double multiplier = numberOrAuto(hp, "learning_rate_multiplier", hpPath, 1e-6, 100);
        Double lr = numberOrAuto(hp, "learning_rate", hpPath, 1e-8, 1);
        if (multiplier != null && lr != null) {
            throw ApiException.badField(hpPath + ".learning_rate", "give 'learning_rate' or 'learning_rate_multiplier', not both");
        }
        Integer seqLen = intOrAuto(hp, "seq_len", hpPath, 2, 1 << 20);
        Double decay = numberOrAuto(hp, "weight_decay", hpPath, 0, 1);
        Double warmup = numberOrAuto(hp, "warmup_fraction", hpPath, 0, 0.99);
        String suffix = null;
        if (RequestFields.present(body, "suffix")) {
            suffix = RequestFields.requiredString(body, "suffix", "suffix");
            if (!SUFFIX.matcher(suffix).matches()) {
                throw ApiException.badField("suffix", "'suffix' must be 1 to 64 letters, digits, '.', '_' or '-', got '" + suffix + "'");
            }
        }
        long seed;
        JsonNode s = body.get("seed");
        if (s == null || s.isNull()) {
            seed = SEEDS.nextInt(Integer.MAX_VALUE);
        } else if (s.isIntegralNumber()) {
            seed = s.asLong();
        } else {
            throw ApiException.badField("seed", "'seed' must be an integer, got " + RequestFields.kind(s));
        }
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw ApiException.badField("metadata", "'metadata' must be an object of strings");
        }
        float rate = lr != null ? lr.floatValue() : (float) (BASE_LEARNING_RATE * (multiplier == null ? 1 : multiplier));
        FineTuningSpec spec = new FineTuningSpec(model, List.copyOf(training), List.copyOf(validation),
                RequestFields.present(body, "training_files"), steps == null ? 0 : steps,
                epochs == null ? (steps == null ? DEFAULT_EPOCHS : 1) : epochs, batch == null ? DEFAULT_BATCH : batch, rate,
                seqLen == null ? DEFAULT_SEQ_LEN : seqLen, decay == null ? 0f : decay.floatValue(),
                warmup == null ? 0.1 : warmup, seed, suffix, metadata == null || metadata.isNull() ? null : metadata,
                // our extension: an eval suite the result must beat the base on to be promoted (FineTuningGate)
                RequestFields.present(body, "eval_suite") ? RequestFields.requiredString(body, "eval_suite", "eval_suite") : null,
                mistral, autoStart);
        try {
            spec.config(); // the trainer's own checks, as a 400 before anything is stored
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(hpPath, e.getMessage());
        }
        return spec;
    }

    /** Whether the job answers in Mistral's shape (see {@link #mistral}). */
    boolean mistralDialect() {
        return mistral != null ? mistral : filesListed;
    }

    /** Whether the job starts once validated, or waits to be started (see {@link #autoStart}). */
    boolean startsWhenValidated() {
        return autoStart == null || autoStart;
    }

    /** The trainer's settings: LoRA rank 8, alpha 16, on all seven projections, gradients clipped to norm 1. */
    FinetuneConfig config() {
        return new FinetuneConfig(steps, epochs, LORA_RANK, LORA_ALPHA, learningRate, batch, seqLen, EnumSet.allOf(LoraTarget.class),
                seed, warmupFraction, weightDecay, 1.0);
    }

    /** The hyperparameters as a job object shows them: OpenAI's three names and Mistral's. */
    ObjectNode hyperparameters() {
        ObjectNode h = Json.MAPPER.createObjectNode();
        h.put("n_epochs", epochs);
        h.put("batch_size", batch);
        h.put("learning_rate_multiplier", learningRate / BASE_LEARNING_RATE);
        if (steps > 0) {
            h.put("training_steps", steps);
        } else {
            h.putNull("training_steps");
        }
        h.put("learning_rate", learningRate);
        h.put("epochs", epochs);
        h.put("seq_len", seqLen);
        h.put("weight_decay", weightDecay);
        h.put("warmup_fraction", warmupFraction);
        return h;
    }

    private static Integer intOrAuto(JsonNode hp, String name, String hpPath, int min, int max) {
        JsonNode v = hp.get(name);
        String at = hpPath + "." + name;
        if (v == null || v.isNull() || (v.isTextual() && v.asText().equals("auto"))) {
            return null;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw ApiException.badField(at, "'" + at + "' must be \"auto\" or an integer from " + min + " to " + max + ", got " + v);
        }
        return v.asInt();
    }

    private static Double numberOrAuto(JsonNode hp, String name, String hpPath, double min, double max) {
        JsonNode v = hp.get(name);
        String at = hpPath + "." + name;
        if (v == null || v.isNull() || (v.isTextual() && v.asText().equals("auto"))) {
            return null;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw ApiException.badField(at, "'" + at + "' must be \"auto\" or a number from " + min + " to " + max + ", got " + v);
        }
        return v.asDouble();
    }
}
