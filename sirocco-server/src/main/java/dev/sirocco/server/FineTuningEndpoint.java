package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.server.store.JobCheckpoint;
import dev.sirocco.server.store.JobEvent;
import dev.sirocco.server.store.JobRecord;
import dev.sirocco.server.store.JobStore;
import io.helidon.common.parameters.Parameters;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/fine_tuning/jobs}: create (OpenAI's or Mistral's request shape), list, retrieve, start, cancel, events and
 * checkpoints. Callers see their own jobs; administrators see everyone's.
 *
 * <p>Each API answers in its own shape. A job keeps the dialect of the request that created it
 * ({@link FineTuningSpec#mistralDialect()}: a field only Mistral's request has, such as {@code training_files} or
 * {@code auto_start}, makes it Mistral's), and create, retrieve, start and cancel answer in it: OpenAI's
 * {@code fine_tuning.job} with OpenAI's statuses, or Mistral's {@code job} ({@link MistralFineTuningJob}). A list
 * speaks its query's dialect: with Mistral's parameters ({@code page}, {@code page_size}, ...) Mistral's
 * {@code {"data", "object", "total"}} with every job in Mistral's shape; with OpenAI's ({@code after}, {@code limit})
 * OpenAI's cursor page with every job in OpenAI's shape; with neither (as both SDKs list by default) the cursor page
 * with {@code total} added and each job in its own dialect. Events and checkpoints are OpenAI's calls (Mistral's
 * details carry them).
 */
final class FineTuningEndpoint {
    /** Query parameters only Mistral's job list takes (its SDK sends them only when the caller gives them). */
    private static final List<String> MISTRAL_LIST_PARAMETERS = List.of("page", "page_size", "created_by_me", "created_after",
            "created_before", "status", "wandb_project", "wandb_name", "suffix", "model");
    /** Mistral's filters, refused rather than ignored ({@code created_by_me} holds anyway: a caller sees its own jobs). */
    private static final List<String> MISTRAL_LIST_FILTERS = MISTRAL_LIST_PARAMETERS.subList(3, MISTRAL_LIST_PARAMETERS.size());

    private final FineTuningJobs jobs;
    private final JobStore store;

    FineTuningEndpoint(FineTuningJobs jobs) {
        this.jobs = jobs;
        this.store = jobs.store();
    }

    void create(JsonNode body, ServerResponse res) throws IOException {
        FineTuningSpec spec = FineTuningSpec.parse(body);
        Caller c = Caller.current();
        ApiServer.send(res, 200, object(jobs.submit(c.keyId(), c.admin(), spec)));
    }

    void list(ServerRequest req, ServerResponse res) throws IOException {
        Parameters q = req.query();
        if (MISTRAL_LIST_PARAMETERS.stream().anyMatch(q::contains)) {
            for (String filter : MISTRAL_LIST_FILTERS) {
                if (q.contains(filter)) {
                    throw ApiException.unsupported(filter, "listing jobs filtered by '" + filter + "' is not supported;"
                            + " list them all (page, page_size) and filter on your side");
                }
            }
            int page = intParam(q, "page", 0, 0, Integer.MAX_VALUE);
            int size = intParam(q, "page_size", 100, 1, 10_000);
            ObjectNode list = Json.MAPPER.createObjectNode();
            var data = list.putArray("data");
            for (JobRecord j : store.page(owner(), page, size)) {
                data.add(object(j, true, false));
            }
            list.put("object", "list");
            list.put("total", store.count(owner()));
            ApiServer.send(res, 200, list);
            return;
        }
        boolean openAi = q.contains("after") || q.contains("limit");
        int limit = Pages.limit(q, 20);
        List<JobRecord> page = store.list(owner(), q.first("after").orElse(null), limit + 1);
        List<ObjectNode> data = new java.util.ArrayList<>();
        for (JobRecord j : page.stream().limit(limit).toList()) {
            data.add(openAi ? object(j, false, false) : object(j, spec(j).mistralDialect(), false));
        }
        ObjectNode list = Pages.list(data, page.size() > limit);
        if (!openAi) {
            list.put("total", store.count(owner())); // Mistral's list has it
        }
        ApiServer.send(res, 200, list);
    }

    void get(ServerRequest req, ServerResponse res) throws IOException {
        ApiServer.send(res, 200, object(find(req)));
    }

    /** Mistral's start: a job created with {@code auto_start: false} waits, validated, until this queues it. */
    void start(ServerRequest req, ServerResponse res) throws IOException {
        JobRecord j = find(req);
        if (!jobs.startWaiting(j.id())) {
            JobRecord now = store.get(j.id()).orElseThrow();
            throw new ApiException(400, "invalid_request_error", "fine_tuning_job_id", "job_not_waiting",
                    "the job '" + j.id() + "' is " + shownStatus(now) + ", not waiting to be started: only a job created"
                            + " with \"auto_start\": false waits, once validated, for this call");
        }
        ApiServer.send(res, 200, object(store.get(j.id()).orElseThrow()));
    }

    void cancel(ServerRequest req, ServerResponse res) throws IOException {
        JobRecord j = find(req);
        if (!jobs.cancel(j.id())) {
            throw new ApiException(400, "invalid_request_error", "fine_tuning_job_id", "job_finished",
                    "the job '" + j.id() + "' has finished (" + shownStatus(j) + ") and cannot be cancelled");
        }
        ApiServer.send(res, 200, object(store.get(j.id()).orElseThrow()));
    }

    /** The job's status as its own dialect names it. */
    private String shownStatus(JobRecord j) {
        return spec(j).mistralDialect() ? MistralFineTuningJob.status(j, jobs.stoppingAfterCancel(j.id())) : openAiStatus(j);
    }

    /**
     * OpenAI's name for a job's state: ours, except that a Mistral job waiting to be started (which OpenAI's closed
     * list of statuses has no name for) shows as not yet past validation.
     */
    static String openAiStatus(JobRecord j) {
        return j.status().equals(JobRecord.VALIDATED) ? JobRecord.VALIDATING : j.status();
    }

    private static int intParam(Parameters q, String name, int fallback, int min, int max) {
        String text = q.first(name).orElse(null);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badField(name, "'" + name + "' must be an integer from " + min + " to " + max + ", got '" + text + "'");
    }

    void events(ServerRequest req, ServerResponse res) {
        JobRecord j = find(req);
        Parameters q = req.query();
        int limit = Pages.limit(q, 20);
        List<JobEvent> page = store.events(j.id(), q.first("after").orElse(null), limit + 1);
        ApiServer.send(res, 200, Pages.list(page.stream().limit(limit).map(FineTuningEndpoint::event).toList(), page.size() > limit));
    }

    void checkpoints(ServerRequest req, ServerResponse res) {
        JobRecord j = find(req);
        Parameters q = req.query();
        int limit = Pages.limit(q, 10);
        List<JobCheckpoint> page = store.checkpoints(j.id(), q.first("after").orElse(null), limit + 1);
        String model = j.fineTunedModel() != null ? j.fineTunedModel() : "ft:" + j.model() + ":" + j.id();
        ApiServer.send(res, 200, Pages.list(page.stream().limit(limit).map(c -> checkpoint(c, model)).toList(), page.size() > limit));
    }

    /**
     * Completes a model card: a fine-tuned model is owned by whoever ran its job and carries Mistral's fine-tuned
     * fields ({@code type}, {@code job}, {@code root}); a base model can be fine-tuned, a fine-tuned one not again.
     */
    ObjectNode card(ObjectNode card) {
        Optional<JobRecord> job = jobs.producerOf(card.get("id").asText());
        ((ObjectNode) card.get("capabilities")).put("fine_tuning", job.isEmpty());
        job.ifPresent(j -> {
            card.put("owned_by", j.owner());
            card.put("type", "fine-tuned");
            card.put("job", j.id());
            card.put("root", j.model());
            card.put("archived", false);
            // the fine-tuning gate's verdict, when the job named an eval suite (our extension)
            promoted(j).ifPresent(p -> card.put("promoted", p));
        });
        return card;
    }

    /** Whether the job's eval suite promoted its model; empty when it named none or the evaluation has not finished. */
    private Optional<Boolean> promoted(JobRecord j) {
        return store.events(j.id(), null, 1000).stream().filter(e -> "evaluation".equals(e.type())).findFirst().map(e -> {
            try {
                return Json.MAPPER.readTree(e.data()).path("promoted").asBoolean(false);
            } catch (IOException x) {
                return false;
            }
        });
    }

    ObjectNode cards(ObjectNode list) {
        list.get("data").forEach(c -> card((ObjectNode) c));
        return list;
    }

    private JobRecord find(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        String owner = owner();
        return store.get(id).filter(j -> owner == null || j.owner().equals(owner)).orElseThrow(() ->
                ApiException.notFound("fine_tuning_job_id", "job_not_found", "no fine-tuning job has the id '" + id + "'"));
    }

    private static String owner() {
        Caller c = Caller.current();
        return c.admin() ? null : c.keyId();
    }

    private static FineTuningSpec spec(JobRecord j) {
        try {
            return Json.MAPPER.readValue(j.spec(), FineTuningSpec.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("job " + j.id() + " has an unreadable spec", e);
        }
    }

    /** One job as its own dialect shows it: OpenAI's job object, or Mistral's with its events and checkpoints. */
    private ObjectNode object(JobRecord j) throws IOException {
        boolean mistral = spec(j).mistralDialect();
        return object(j, mistral, mistral);
    }

    /**
     * The job object in Mistral's shape or OpenAI's ({@code details}: Mistral's, with events and checkpoints), with
     * our {@code evaluation} when the job named an eval suite.
     */
    private ObjectNode object(JobRecord j, boolean mistral, boolean details) throws IOException {
        FineTuningSpec spec = spec(j);
        ObjectNode o;
        if (mistral) {
            o = MistralFineTuningJob.object(j, spec, MistralFineTuningJob.status(j, jobs.stoppingAfterCancel(j.id())),
                    store.modifiedMs(j));
            if (details) {
                MistralFineTuningJob.details(o, store.events(j.id(), null, 10_000), store.checkpoints(j.id(), null, 10_000));
            }
        } else {
            o = object(j, spec);
        }
        if (spec.evalSuite() != null) {
            // the newest "evaluation" event holds the gate's verdict; until it exists the evaluation is pending
            JsonNode verdict = store.events(j.id(), null, 1000).stream().filter(e -> "evaluation".equals(e.type()))
                    .findFirst().map(e -> {
                        try {
                            return Json.MAPPER.readTree(e.data());
                        } catch (IOException x) {
                            throw new java.io.UncheckedIOException(x);
                        }
                    }).orElse(null);
            ObjectNode ev = verdict == null ? Json.MAPPER.createObjectNode().put("suite_file", spec.evalSuite()) : (ObjectNode) verdict;
            ev.put("status", verdict == null ? (j.status().equals(JobRecord.SUCCEEDED) ? "running" : "pending") : "done");
            o.set("evaluation", ev);
        }
        return o;
    }

    static ObjectNode object(JobRecord j, FineTuningSpec spec) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", j.id());
        o.put("object", "fine_tuning.job");
        o.put("model", j.model());
        o.put("created_at", j.createdMs() / 1000);
        putSeconds(o, "finished_at", j.finishedMs());
        putSeconds(o, "started_at", j.startedMs());
        o.put("fine_tuned_model", j.fineTunedModel());
        o.put("organization_id", j.owner());
        o.putArray("result_files");
        o.put("status", openAiStatus(j));
        o.put("training_file", spec.trainingFiles().getFirst());
        o.put("validation_file", spec.validationFiles().isEmpty() ? null : spec.validationFiles().getFirst());
        ObjectNode hp = spec.hyperparameters();
        o.set("hyperparameters", hp);
        if (j.trainedTokens() != null) {
            o.put("trained_tokens", j.trainedTokens());
        } else {
            o.putNull("trained_tokens");
        }
        if (j.errorCode() != null) {
            ObjectNode e = o.putObject("error");
            e.put("code", j.errorCode());
            e.put("message", j.errorMessage());
            e.put("param", j.errorParam());
        } else {
            o.putNull("error");
        }
        o.put("seed", spec.seed());
        o.putNull("estimated_finish");
        o.putNull("integrations");
        if (spec.metadata() != null) {
            o.set("metadata", spec.metadata());
        } else {
            o.putNull("metadata");
        }
        ObjectNode method = o.putObject("method");
        method.put("type", "supervised");
        method.putObject("supervised").set("hyperparameters", hp.deepCopy());
        o.put("user_provided_suffix", spec.suffix());
        // Mistral's names for the same things
        o.put("suffix", spec.suffix());
        var tf = o.putArray("training_files");
        spec.trainingFiles().forEach(tf::add);
        var vf = o.putArray("validation_files");
        spec.validationFiles().forEach(vf::add);
        o.put("auto_start", spec.startsWhenValidated());
        o.put("job_type", "completion");
        return o;
    }

    private static void putSeconds(ObjectNode o, String field, Long ms) {
        if (ms == null) {
            o.putNull(field);
        } else {
            o.put(field, ms / 1000);
        }
    }

    static ObjectNode event(JobEvent e) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", e.id());
        o.put("object", "fine_tuning.job.event");
        o.put("created_at", e.createdMs() / 1000);
        o.put("level", e.level());
        o.put("message", e.message());
        o.put("type", e.type());
        if (e.data() == null) {
            o.putNull("data");
        } else {
            o.set("data", Json.parseObject(e.data().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return o;
    }

    static ObjectNode checkpoint(JobCheckpoint c, String model) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", c.id());
        o.put("object", "fine_tuning.job.checkpoint");
        o.put("created_at", c.createdMs() / 1000);
        o.put("fine_tuned_model_checkpoint", model + ":ckpt-step-" + c.step());
        o.put("fine_tuning_job_id", c.jobId());
        o.put("step_number", c.step());
        ObjectNode m = o.putObject("metrics");
        m.put("step", c.step());
        m.put("train_loss", c.trainLoss());
        m.put("valid_loss", c.validLoss());
        return o;
    }
}
