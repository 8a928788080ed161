package dev.sirocco.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.server.store.Database;
import dev.sirocco.server.store.FileStore;
import dev.sirocco.server.store.JobRecord;
import dev.sirocco.server.store.JobStore;
import dev.sirocco.server.store.StoredFile;
import dev.sirocco.train.FinetuneConfig;
import dev.sirocco.train.Finetuner;
import dev.sirocco.train.TrainingProgress;
import dev.sirocco.train.TrainingResult;
import dev.sirocco.train.checkpoint.CheckpointPolicy;
import dev.sirocco.train.data.ChatDataset;
import dev.sirocco.train.data.DatasetException;
import dev.sirocco.train.data.Example;
import dev.sirocco.train.data.ModelChatTemplate;
import dev.sirocco.train.export.AdapterWriter;
import dev.sirocco.train.model.BaseModel;
import dev.sirocco.train.model.TrainingModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Fine-tuning jobs: accepted into the database, run in the background one at a time by a single runner thread, each
 * training a LoRA adapter ({@code DATA_DIR/adapters/<job id>.gguf}) that is served at once under the job's
 * fine-tuned model id as an adapter on the base model's engine and scheduler. State lives in the database, so jobs
 * survive a restart: a job left running resumes from its last training checkpoint
 * ({@code DATA_DIR/fine_tuning/<job id>/}), which the trainer makes bit-identical to an uninterrupted run; a job
 * waiting to be started (Mistral's {@code auto_start: false}) keeps waiting; a cancelled job stays cancelled.
 */
public final class FineTuningJobs implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FineTuningJobs.class.getName());

    private final JobStore jobs;
    private final FileStore files;
    private final Path dataDir;
    private final Supplier<List<ModelSource>> bases;
    private final int threads;
    private final Clock clock;
    private final Object signal = new Object();
    private volatile FineTuningGate gate; // null: jobs naming an eval suite are refused
    private volatile List<JobRecord> succeeded;
    private volatile boolean stopping;
    private volatile String runningId;
    private volatile String cancelRequested;
    private Thread runner;

    /**
     * @param bases   the models jobs may start from (the server's catalog without the fine-tuned models)
     * @param threads threads for the trainer's matrix products
     */
    public FineTuningJobs(Database database, Path dataDir, Supplier<List<ModelSource>> bases, int threads) throws IOException {
        this.jobs = new JobStore(database);
        this.files = new FileStore(database, dataDir);
        this.dataDir = dataDir.toAbsolutePath();
        this.bases = bases;
        this.threads = threads;
        this.clock = Clock.systemUTC();
        this.succeeded = jobs.succeeded();
    }

    /** Lets jobs name an eval suite: after training, {@code gate} decides whether the result is promoted. */
    public void gate(FineTuningGate gate) {
        this.gate = gate;
    }

    /** Requeues the jobs a stopped server left running and starts the runner. */
    public synchronized void start() {
        if (runner != null) {
            return;
        }
        for (JobRecord j : jobs.withStatus(JobRecord.RUNNING, JobRecord.VALIDATING)) {
            if (j.status().equals(JobRecord.VALIDATING)) {
                // stopped between its checks and their verdict: passed on (queued or waiting); its training reads the
                // files again and fails the job, naming them, if they are gone
                validated(j, spec(j));
            } else if (jobs.transition(j.id(), j.status(), JobRecord.QUEUED, now())) {
                event(j.id(), "info", "The server restarted; the job is queued again and resumes from its last checkpoint.");
            }
        }
        // a validated job waiting for its start stays waiting
        runner = Thread.ofVirtual().name("sirocco-fine-tuning").start(this::runLoop);
    }

    public FileStore files() {
        return files;
    }

    JobStore store() {
        return jobs;
    }

    /**
     * {@code base}'s models followed by the fine-tuned ones: each its job's LoRA adapter on its base, served by the
     * base's engine and scheduler ({@link ModelRegistry}), so requests for the base and its fine-tunes share forward passes.
     * Read from the database's succeeded jobs, so a restarted server serves them again.
     */
    public Supplier<List<ModelSource>> catalog() {
        return () -> {
            List<ModelSource> base = bases.get(); // read once: it may list the model store's folder
            List<ModelSource> all = new ArrayList<>(base);
            for (JobRecord j : succeeded) {
                // an adapter on the base's engine and scheduler: batched with the base's requests and its other fine-tunes'
                base.stream().filter(b -> b.id().equals(j.model()) && b.base() == null).findFirst().ifPresent(b -> all.add(
                        ModelSource.adapterOf(j.fineTunedModel(), b, List.of(new AppliedLora(adapter(j.id()), 1f)))));
            }
            return all;
        };
    }

    /** The job that produced the fine-tuned model {@code modelId}, if one did. */
    Optional<JobRecord> producerOf(String modelId) {
        return succeeded.stream().filter(j -> j.fineTunedModel().equals(modelId)).findFirst();
    }

    /** Where job {@code id}'s adapter is written. */
    Path adapter(String id) {
        return dataDir.resolve("adapters").resolve(id + ".gguf");
    }

    private Path checkpoints(String id) {
        return dataDir.resolve("fine_tuning").resolve(id).resolve("checkpoints");
    }

    private Optional<ModelSource> baseSource(String id) {
        return bases.get().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /**
     * Validates a request against what is stored (the base model, the files and their purpose) and queues it;
     * 400/404 naming the field otherwise.
     */
    JobRecord submit(String owner, boolean admin, FineTuningSpec spec) {
        if (baseSource(spec.model()).isEmpty()) {
            throw ApiException.notFound("model", "model_not_found", "the model '" + spec.model()
                    + "' does not exist or cannot be fine-tuned; GET /v1/models lists the models this server has");
        }
        for (int i = 0; i < spec.trainingFiles().size(); i++) {
            checkFile(spec.trainingFiles().get(i), spec.filesListed() ? "training_files[" + i + "].file_id" : "training_file", owner, admin);
        }
        for (int i = 0; i < spec.validationFiles().size(); i++) {
            checkFile(spec.validationFiles().get(i), spec.filesListed() ? "validation_files[" + i + "]" : "validation_file", owner, admin);
        }
        if (spec.evalSuite() != null) {
            if (gate == null) {
                throw ApiException.unsupported("eval_suite", "this server cannot evaluate fine-tuned models (no eval runner is wired in)");
            }
            StoredFile suite = files.get(spec.evalSuite()).filter(x -> admin || x.owner().equals(owner)).orElseThrow(() ->
                    ApiException.notFound("eval_suite", "file_not_found", "'eval_suite': no file has the id '" + spec.evalSuite()
                            + "'; upload the suite with POST /v1/files (purpose \"evals\") first"));
            if (!suite.purpose().equals("evals")) {
                throw ApiException.badField("eval_suite", "'eval_suite': the file '" + spec.evalSuite() + "' was uploaded with purpose '"
                        + suite.purpose() + "'; an eval suite is uploaded with purpose 'evals'");
            }
        }
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        JobRecord job = jobs.create(owner, spec.model(), JobRecord.VALIDATING, json, now());
        event(job.id(), "info", "Validating training file: " + String.join(", ", spec.trainingFiles())
                + (spec.validationFiles().isEmpty() ? "" : " and validation file: " + String.join(", ", spec.validationFiles())));
        validated(job, spec);
        return jobs.get(job.id()).orElseThrow();
    }

    /** A job whose files were checked: queued, or (Mistral's {@code auto_start: false}) waiting to be started. */
    private void validated(JobRecord job, FineTuningSpec spec) {
        if (!spec.startsWhenValidated()) {
            if (jobs.transition(job.id(), JobRecord.VALIDATING, JobRecord.VALIDATED, now())) {
                event(job.id(), "info", "Files validated; the job waits for POST /v1/fine_tuning/jobs/" + job.id() + "/start");
            }
            return;
        }
        if (jobs.transition(job.id(), JobRecord.VALIDATING, JobRecord.QUEUED, now())) {
            event(job.id(), "info", "Files validated, fine-tuning job queued");
        }
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * Starts job {@code id}, validated and waiting ({@code auto_start: false}): it is queued. False when it was not
     * waiting (already started, finished or cancelled).
     */
    boolean startWaiting(String id) {
        if (!jobs.transition(id, JobRecord.VALIDATED, JobRecord.QUEUED, now())) {
            return false;
        }
        event(id, "info", "Fine-tuning job started on request and queued");
        synchronized (signal) {
            signal.notifyAll();
        }
        return true;
    }

    /** Whether job {@code id} was cancelled while training and its trainer has not stopped yet. */
    boolean stoppingAfterCancel(String id) {
        return id.equals(cancelRequested);
    }

    private static FineTuningSpec spec(JobRecord j) {
        try {
            return Json.MAPPER.readValue(j.spec(), FineTuningSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job " + j.id() + " has an unreadable spec", e);
        }
    }

    private void checkFile(String id, String param, String owner, boolean admin) {
        StoredFile f = files.get(id).filter(x -> admin || x.owner().equals(owner)).orElseThrow(() -> ApiException.notFound(param,
                "file_not_found", "'" + param + "': no file has the id '" + id + "'; upload it with POST /v1/files first"));
        if (!f.purpose().equals(FilesEndpoint.FINE_TUNE)) {
            throw ApiException.badField(param, "'" + param + "': the file '" + id + "' was uploaded with purpose '"
                    + f.purpose() + "'; fine-tuning needs files uploaded with purpose 'fine-tune'");
        }
    }

    /** Cancels job {@code id}; false when it had already finished. A running job stops after its current step. */
    boolean cancel(String id) {
        boolean cancelled = jobs.cancel(id, now());
        if (cancelled) {
            if (id.equals(runningId)) {
                cancelRequested = id;
            }
            event(id, "info", "Fine-tuning job cancelled");
        }
        return cancelled;
    }

    private void runLoop() {
        while (!stopping) {
            Optional<JobRecord> next;
            try {
                next = jobs.nextQueued();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "could not read the job queue", e);
                next = Optional.empty();
            }
            if (next.isEmpty()) {
                synchronized (signal) {
                    if (stopping) {
                        return;
                    }
                    try {
                        signal.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                continue;
            }
            JobRecord job = next.get();
            runningId = job.id(); // before the job shows as running, so a cancel from then on reaches the trainer
            if (!jobs.transition(job.id(), JobRecord.QUEUED, JobRecord.RUNNING, now())) {
                runningId = null;
                continue; // cancelled meanwhile
            }
            try {
                run(job);
            } catch (Stopped s) {
                if (s.cancelled) {
                    deleteCheckpoints(job.id());
                    LOG.log(System.Logger.Level.INFO, "fine-tuning job " + job.id() + " cancelled");
                } else {
                    event(job.id(), "info", "The server is stopping; the job resumes from its last checkpoint when it starts again.");
                }
            } catch (DatasetException e) {
                failed(job, "invalid_training_file", e.getMessage(), "training_file");
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                LOG.log(System.Logger.Level.ERROR, "fine-tuning job " + job.id() + " failed", e);
                failed(job, "training_failed", "training failed: " + e, null);
            } finally {
                runningId = null;
                cancelRequested = null;
            }
        }
    }

    private void failed(JobRecord job, String code, String message, String param) {
        if (jobs.get(job.id()).map(j -> !j.finished()).orElse(false)) {
            eventAt(job.id(), "error", "message", "Fine-tuning job failed: " + message, null); // logged before the status shows it
            jobs.fail(job.id(), code, message, param, now());
        }
    }

    /** Thrown from the progress callback to stop training: a cancel, or the server stopping (the job then stays running). */
    private static final class Stopped extends RuntimeException {
        final boolean cancelled;

        Stopped(boolean cancelled) {
            super(cancelled ? "cancelled" : "server stopping", null, false, false);
            this.cancelled = cancelled;
        }
    }

    private void run(JobRecord job) throws IOException {
        FineTuningSpec spec = spec(job);
        ModelSource base = baseSource(job.model()).orElseThrow(() -> new IllegalStateException(
                "the base model '" + job.model() + "' is no longer served"));
        event(job.id(), "info", "Fine-tuning job started");
        try (BaseModel model = BaseModel.load(base.file(), threads)) {
            var template = ModelChatTemplate.of(model.file().metadata(), model.config().architecture().ggufName(), model.tokenizer());
            List<Example> training = new ArrayList<>();
            for (String id : spec.trainingFiles()) {
                training.addAll(ChatDataset.load(storedFile(id, "training_file"), template, model.tokenizer()));
            }
            List<Example> validation = new ArrayList<>();
            for (String id : spec.validationFiles()) {
                validation.addAll(ChatDataset.load(storedFile(id, "validation_file"), template, model.tokenizer()));
            }
            FinetuneConfig config = spec.config();
            Finetuner tuner = new Finetuner(model, config);
            int steps = tuner.steps(training.size());
            int every = Math.max(1, (steps + 9) / 10);
            Path cpDir = checkpoints(job.id());
            Files.createDirectories(cpDir);
            TrainingResult r = tuner.run(training, (p, trained) -> progress(job.id(), p, every, trained, validation, spec.seqLen()),
                    new CheckpointPolicy(cpDir, every, true));
            Path out = adapter(job.id());
            Files.createDirectories(out.getParent());
            Path tmp = out.resolveSibling(out.getFileName() + ".part");
            AdapterWriter.write(r.lora(), model.config().architecture().ggufName(), tmp);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            long tokens = trainedTokens(training, spec.seqLen(), (long) r.steps() * config.batch());
            String ftModel = modelId(job, spec);
            // The log is complete before the status says so: a client that sees "succeeded" reads every event.
            event(job.id(), "info", "New fine-tuned model created: " + ftModel);
            event(job.id(), "info", "The job has successfully completed");
            if (jobs.succeed(job.id(), ftModel, tokens, now())) {
                succeeded = jobs.succeeded();
                deleteCheckpoints(job.id()); // only a run that may resume needs them
                if (spec.evalSuite() != null) {
                    evaluate(job, spec, ftModel);
                }
            } else {
                Files.deleteIfExists(out); // cancelled while the adapter was written
                event(job.id(), "info", "The job was cancelled before it completed; its model was discarded");
            }
        }
    }

    /**
     * The fine-tuning gate: the suite against base and result, recorded as an {@code evaluation} event whose data the
     * job object shows. A suite that cannot run is recorded too (not promoted): the model itself stays served.
     */
    private void evaluate(JobRecord job, FineTuningSpec spec, String ftModel) {
        event(job.id(), "info", "Evaluating " + job.model() + " and " + ftModel + " with the eval suite " + spec.evalSuite());
        var data = Json.MAPPER.createObjectNode();
        data.put("suite_file", spec.evalSuite());
        String message;
        try {
            FineTuningGate.Verdict v = gate.evaluate(storedFile(spec.evalSuite(), "eval_suite"), job.model(), ftModel);
            data.put("base_passed", v.basePassed());
            data.put("fine_tuned_passed", v.fineTunedPassed());
            data.put("runs", v.runs());
            data.put("p_value", v.pValue());
            data.put("promoted", v.promoted());
            message = String.format(java.util.Locale.ROOT, "Evaluation: base %d/%d, fine-tuned %d/%d (Fisher p = %.4f): %s",
                    v.basePassed(), v.runs(), v.fineTunedPassed(), v.runs(), v.pValue(),
                    v.promoted() ? "promoted" : "not promoted (not significantly better)");
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "evaluating fine-tuning job " + job.id() + " failed", e);
            data.put("promoted", false);
            data.put("error", String.valueOf(e.getMessage()));
            message = "Evaluation failed, the model is not promoted: " + e.getMessage();
        }
        eventAt(job.id(), "info", "evaluation", message, data.toString());
    }

    private void deleteCheckpoints(String id) {
        Path dir = dataDir.resolve("fine_tuning").resolve(id);
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete the checkpoints in " + dir + ": " + e.getMessage());
        }
    }

    private Path storedFile(String id, String param) {
        Path p = files.path(id);
        if (files.get(id).isEmpty() || !Files.isRegularFile(p)) {
            throw new DatasetException(id, "the " + param.replace('_', ' ') + " was deleted before the job ran");
        }
        return p;
    }

    /**
     * After each step: stops the run when asked to, logs the step, and at each checkpoint (and the last step) records
     * the losses, the validation loss measured on the model as trained so far.
     */
    private void progress(String jobId, TrainingProgress p, int every, TrainingModel trained, List<Example> validation, int seqLen) {
        if (stopping) {
            throw new Stopped(false);
        }
        if (jobId.equals(cancelRequested)) {
            throw new Stopped(true);
        }
        boolean checkpoint = p.step() % every == 0 || p.step() == p.steps();
        Double validLoss = checkpoint && !validation.isEmpty() ? loss(trained, validation, seqLen) : null;
        eventAt(jobId, "info", "metrics", String.format(Locale.ROOT, "Step %d/%d: training loss=%.4f%s", p.step(), p.steps(), p.loss(),
                        validLoss == null ? "" : String.format(Locale.ROOT, ", validation loss=%.4f", validLoss)),
                String.format(Locale.ROOT, "{\"step\":%d,\"total_steps\":%d,\"train_loss\":%s,\"valid_loss\":%s,\"learning_rate\":%s,\"tokens_per_s\":%s}",
                        p.step(), p.steps(), p.loss(), validLoss, p.learningRate(), p.tokensPerSecond()));
        if (checkpoint) {
            jobs.addCheckpoint(jobId, p.step(), p.loss(), validLoss, now());
        }
    }

    /** The mean loss per trained token over {@code examples}, with the adapter as trained. */
    private static double loss(TrainingModel model, List<Example> examples, int seqLen) {
        double weight = 0;
        double sum = 0;
        for (Example e : examples) {
            Example t = e.forSeqLen(seqLen);
            if (t.trainedWeight() == 0) {
                continue;
            }
            sum += model.loss(model.newTape(), t.tokens(), t.weights(), 1.0).value[0];
            weight += t.trainedWeight();
        }
        return weight == 0 ? Double.NaN : sum / weight;
    }

    /** Tokens the optimizer saw: {@code sequences} draws from the data at its mean (truncated) length. */
    private static long trainedTokens(List<Example> examples, int seqLen, long sequences) {
        long total = 0;
        for (Example e : examples) {
            total += Math.min(e.tokens().length, seqLen + 1);
        }
        return Math.round((double) total / examples.size() * sequences);
    }

    /** {@code ft:<base>:<suffix>:<job id's last 8 characters>} (no suffix segment without one). */
    static String modelId(JobRecord job, FineTuningSpec spec) {
        String tail = job.id().substring(job.id().length() - 8);
        return "ft:" + job.model() + ":" + (spec.suffix() == null ? "" : spec.suffix() + ":") + tail;
    }

    private void event(String jobId, String level, String message) {
        eventAt(jobId, level, "message", message, null);
    }

    private void eventAt(String jobId, String level, String type, String message, String data) {
        jobs.addEvent(jobId, level, type, message, data, now());
    }

    private long now() {
        return clock.millis();
    }

    /** Stops the runner; a job in progress stops after its current step and resumes when a server starts again. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            stopping = true;
            t = runner;
        }
        synchronized (signal) {
            signal.notifyAll();
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
