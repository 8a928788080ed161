package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.GenerationResult;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.Scheduler;
import dev.sirocco.engine.runtime.TokenListener;
import dev.sirocco.engine.runtime.sampling.SamplingParams;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fine-tuning job's model is its LoRA adapter served on the already loaded base: the same scheduler, so requests
 * for the base and the fine-tune share forward passes; it answers as the engine does with that adapter applied, and
 * a restarted server serves it the same way again.
 */
class FineTunedModelServingTest {
    static final String PROMPT = "the people";
    static final int TOKENS = 8;

    @TempDir
    Path dir;

    final FineTuningJobsTest http = new FineTuningJobsTest();

    String complete(String base, String model) throws Exception {
        var r = http.post(base + "/v1/completions", "{\"model\": \"" + model + "\", \"prompt\": \"" + PROMPT
                + "\", \"max_tokens\": " + TOKENS + ", \"temperature\": 0}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("model").asText()).isEqualTo(model);
        return r.json().get("choices").get(0).get("text").asText();
    }

    /** The engine's own greedy answer with {@code adapter} applied at load (or none): no server, no scheduler. */
    static String engineAnswer(Path model, Path adapter) throws Exception {
        EngineOptions options = EngineOptions.defaults().withThreads(1).withContextSize(256);
        try (Engine e = Engine.load(model, adapter == null ? options : options.withLora(new AppliedLora(adapter, 1f)))) {
            int[] prompt = e.tokenizer().encode(PROMPT, true, true);
            GenerationResult r = Generator.generate(e.newSession(), e.tokenizer(), prompt, GenerationRequest.greedy(TOKENS),
                    TokenListener.NONE);
            return r.text();
        }
    }

    /** The fine-tune's scheduler is its base's, and one of its sequences shares a forward pass with one of the base's. */
    void sharesTheBasesForwardPasses(FineTuningServer s, String ft) throws Exception {
        s.registry.withLeases(() -> {
            ServedModel base = s.registry.acquire("tiny");
            ServedModel tuned = s.registry.acquire(ft);
            assertThat(tuned.scheduler()).isSameAs(base.scheduler());
            assertThat(tuned.engine()).isSameAs(base.engine());
            assertThat(tuned.adapters()).isNotNull();
            Scheduler scheduler = base.scheduler();
            long before = scheduler.mixedAdapterPasses();
            int[] prompt = base.encodePrompt(PROMPT);
            GenerationRequest greedy = new GenerationRequest(4, SamplingParams.greedy(), List.of(), true);
            // the base's sequence holds the scheduler's thread at its first token until the fine-tune's is queued:
            // the next pass then holds the base's decode step and the fine-tune's prompt
            CountDownLatch queued = new CountDownLatch(1);
            Scheduler.Ticket plain = scheduler.submit(prompt, greedy, (token, text) -> {
                try {
                    queued.await();
                } catch (InterruptedException x) {
                    throw new IllegalStateException(x);
                }
            }, base.adapters());
            Scheduler.Ticket adapted = scheduler.submit(prompt, greedy, TokenListener.NONE, tuned.adapters());
            queued.countDown();
            plain.result().get(60, TimeUnit.SECONDS);
            adapted.result().get(60, TimeUnit.SECONDS);
            assertThat(scheduler.mixedAdapterPasses()).isGreaterThan(before);
            return null;
        });
        // and /metrics says so, under the base's id
        String metrics = http.get(s.base + "/metrics").body();
        long mixed = metrics.lines().filter(l -> l.startsWith("sirocco_mixed_adapter_passes_total{model=\"tiny\"}"))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
        assertThat(mixed).as(metrics).isPositive();
    }

    @Test
    void aJobsModelRunsOnItsBasesSchedulerAnswersAsItsAdapterAndSurvivesARestart() throws Exception {
        Path data = dir.resolve("data");
        Path model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        String ft;
        Path adapter;
        String tunedAnswer;
        String baseAnswer = engineAnswer(model, null);
        try (FineTuningServer s = new FineTuningServer(data, model, 1 << 20)) {
            String file = http.upload(s.base, "train.jsonl", FineTuningJobsTest.chatData().getBytes(StandardCharsets.UTF_8),
                    "fine-tune").json().get("id").asText();
            String job = http.post(s.base + "/v1/fine_tuning/jobs", "{\"model\": \"tiny\", \"training_file\": \"" + file
                    + "\", \"hyperparameters\": {\"n_epochs\": 20, \"batch_size\": 4}, \"seed\": 5}").json().get("id").asText();
            JsonNode done = http.awaitFinished(s.base, job);
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
            ft = done.get("fine_tuned_model").asText();
            adapter = data.resolve("adapters").resolve(job + ".gguf");
            tunedAnswer = engineAnswer(model, adapter);
            assertThat(tunedAnswer).as("the adapter changes the greedy answer").isNotEqualTo(baseAnswer);

            assertThat(complete(s.base, "tiny")).isEqualTo(baseAnswer);
            assertThat(complete(s.base, ft)).isEqualTo(tunedAnswer);
            sharesTheBasesForwardPasses(s, ft);
            // one engine for both: the fine-tune is no model of its own, and adds only its adapter's memory
            assertThat(s.registry.loaded().stream().map(m -> m.engine()).distinct().count()).isEqualTo(1);
            long baseBytes = -1;
            long tunedBytes = -1;
            for (JsonNode m : new AdminEndpoint(null, s.registry).listModels().get("data")) { // what the admin page shows
                if (m.get("id").asText().equals("tiny")) {
                    baseBytes = m.get("memory_bytes").asLong();
                } else if (m.get("id").asText().equals(ft)) {
                    tunedBytes = m.get("memory_bytes").asLong();
                }
            }
            assertThat(tunedBytes).isPositive().isLessThan(baseBytes).isLessThanOrEqualTo(java.nio.file.Files.size(adapter));
        }
        try (FineTuningServer s = new FineTuningServer(data, model, 1 << 20)) { // restarted: read back from the database
            assertThat(complete(s.base, ft)).isEqualTo(tunedAnswer);
            assertThat(complete(s.base, "tiny")).isEqualTo(baseAnswer);
            sharesTheBasesForwardPasses(s, ft);
        }
    }
}
