package dev.sirocco.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.server.store.JobCheckpoint;
import dev.sirocco.server.store.JobEvent;
import dev.sirocco.server.store.JobRecord;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A fine-tuning job as Mistral's API shows it to the jobs its callers create (the {@code CompletionFineTuningJob} and
 * {@code CompletionFineTuningJobDetails} schemas its SDK validates answers against): {@code "object": "job"},
 * Mistral's status names, {@code modified_at}, {@code auto_start}, Mistral's hyperparameter names, and in the details
 * the events and checkpoints inline (Mistral has no separate events or checkpoints call).
 */
final class MistralFineTuningJob {
    private MistralFineTuningJob() {
    }

    /**
     * Mistral's name for a job's state. {@code STARTED} is never shown (a started job is {@code QUEUED} until the
     * trainer takes it, then {@code RUNNING}); a training file that turns out invalid when training reads it is
     * {@code FAILED_VALIDATION}; a cancelled job whose trainer is still stopping is {@code CANCELLATION_REQUESTED}.
     */
    static String status(JobRecord j, boolean stoppingAfterCancel) {
        return switch (j.status()) {
            case JobRecord.VALIDATING -> "VALIDATING";
            case JobRecord.VALIDATED -> "VALIDATED";
            case JobRecord.QUEUED -> "QUEUED";
            case JobRecord.RUNNING -> "RUNNING";
            case JobRecord.SUCCEEDED -> "SUCCESS";
            case JobRecord.FAILED -> "invalid_training_file".equals(j.errorCode()) ? "FAILED_VALIDATION" : "FAILED";
            case JobRecord.CANCELLED -> stoppingAfterCancel ? "CANCELLATION_REQUESTED" : "CANCELLED";
            default -> throw new IllegalStateException("job " + j.id() + " has the unknown status '" + j.status() + "'");
        };
    }

    /** The job as Mistral lists and creates it; {@code status} from {@link #status}. */
    static ObjectNode object(JobRecord j, FineTuningSpec spec, String status, long modifiedMs) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", j.id());
        o.put("object", "job");
        o.put("job_type", "completion");
        o.put("auto_start", spec.startsWhenValidated());
        o.put("model", j.model());
        o.put("status", status);
        o.put("created_at", j.createdMs() / 1000);
        o.put("modified_at", modifiedMs / 1000);
        var tf = o.putArray("training_files");
        spec.trainingFiles().forEach(tf::add);
        var vf = o.putArray("validation_files");
        spec.validationFiles().forEach(vf::add);
        o.put("fine_tuned_model", j.fineTunedModel());
        o.put("suffix", spec.suffix());
        o.putNull("integrations");
        if (j.trainedTokens() != null) {
            o.put("trained_tokens", j.trainedTokens());
            o.putObject("metadata").put("train_tokens", j.trainedTokens());
        } else {
            o.putNull("trained_tokens");
            o.putNull("metadata");
        }
        ObjectNode hp = o.putObject("hyperparameters");
        if (spec.steps() > 0) {
            hp.put("training_steps", spec.steps());
            hp.putNull("epochs");
        } else {
            hp.putNull("training_steps");
            hp.put("epochs", spec.epochs());
        }
        hp.put("learning_rate", spec.learningRate());
        hp.put("weight_decay", spec.weightDecay());
        hp.put("warmup_fraction", spec.warmupFraction());
        hp.put("seq_len", spec.seqLen());
        hp.putNull("fim_ratio");
        o.putArray("repositories");
        if (j.errorCode() != null) { // not in Mistral's schema (it keeps the reason in an event); our addition, as OpenAI's
            ObjectNode e = o.putObject("error");
            e.put("code", j.errorCode());
            e.put("message", j.errorMessage());
            e.put("param", j.errorParam());
        }
        return o;
    }

    /** The job as Mistral retrieves, starts and cancels it: with its events (newest first) and checkpoints. */
    static ObjectNode details(ObjectNode job, List<JobEvent> events, List<JobCheckpoint> checkpoints) {
        var ev = job.putArray("events");
        for (JobEvent e : events) {
            ObjectNode o = ev.addObject();
            o.put("name", e.type());
            ObjectNode data = e.data() == null ? Json.MAPPER.createObjectNode()
                    : (ObjectNode) Json.parseObject(e.data().getBytes(StandardCharsets.UTF_8)).deepCopy();
            data.put("level", e.level());
            data.put("message", e.message());
            o.set("data", data);
            o.put("created_at", e.createdMs() / 1000);
        }
        var cp = job.putArray("checkpoints");
        for (JobCheckpoint c : checkpoints) {
            ObjectNode o = cp.addObject();
            ObjectNode m = o.putObject("metrics");
            m.put("train_loss", c.trainLoss());
            m.put("valid_loss", c.validLoss());
            m.putNull("valid_mean_token_accuracy");
            o.put("step_number", c.step());
            o.put("created_at", c.createdMs() / 1000);
        }
        return job;
    }
}
