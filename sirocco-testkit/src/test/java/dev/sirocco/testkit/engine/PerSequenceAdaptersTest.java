package dev.sirocco.testkit.engine;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.model.AdapterSet;
import dev.sirocco.engine.model.Batch;
import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.model.LoraAdapter;
import dev.sirocco.engine.model.ModelConfig;
import dev.sirocco.engine.model.ModelWeights;
import dev.sirocco.engine.model.Transformer;
import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.GenerationResult;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.Scheduler;
import dev.sirocco.engine.runtime.Session;
import dev.sirocco.engine.runtime.TokenListener;
import dev.sirocco.engine.runtime.sampling.SamplingParams;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.KernelsFactory;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomLora;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adapters chosen per sequence: a session with an adapter set gives what an engine with that adapter loaded for
 * everything gives, and sequences with different adapters (or none) in one batch give what each gives alone.
 */
class PerSequenceAdaptersTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path loraA;
    static Path loraB;
    static final int[] P1 = {1, 17, 250, 31, 4, 99};
    static final int[] P2 = {1, 300, 12, 5};
    static final int[] P3 = {1, 8, 9, 10, 11, 12, 13};
    static final EngineOptions OPTS = EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32);

    @BeforeAll
    static void write() {
        ModelSpec spec = ModelSpec.tinyQwen3();
        model = RandomModels.write(spec, dir.resolve("base.gguf"));
        loraA = new RandomLora(spec, List.of("attn_q", "attn_v", "ffn_down"), 4, 8f, 1).write(dir.resolve("a.gguf"));
        loraB = new RandomLora(spec, List.of("attn_k", "attn_output", "ffn_up", "ffn_gate"), 2, 4f, 2).write(dir.resolve("b.gguf"));
    }

    private static float[] alone(int[] tokens, Path lora) throws Exception {
        try (Engine e = Engine.load(model, lora == null ? OPTS : OPTS.withLora(new AppliedLora(lora, 0.8f)))) {
            return e.newSession().evaluate(tokens).clone();
        }
    }

    @Test
    void sessionWithAnAdapterSetEqualsTheAdapterLoadedForEverything() throws Exception {
        float[] expected = alone(P1, loraA);
        try (Engine e = Engine.load(model, OPTS)) {
            AdapterSet set = e.loadAdapters(List.of(new AppliedLora(loraA, 0.8f)));
            float[] actual = e.newSession(set).evaluate(P1);
            float[] base = e.newSession().evaluate(P1);
            assertThat(actual).containsExactly(expected);
            assertThat(LogitComparison.of(base, actual).relativeMaxDiff()).isGreaterThan(0.05);
        }
    }

    @Test
    void sequencesWithDifferentAdaptersShareOneForwardPass() throws Exception {
        float[] e1 = alone(P1, loraA);
        float[] e2 = alone(P2, loraB);
        float[] e3 = alone(P3, null);
        try (GgufFile file = GgufFile.open(model); Parallel parallel = new Parallel(1)) {
            ModelConfig c = ModelConfig.from(file.metadata());
            Kernels kernels = KernelsFactory.create(parallel, false);
            ModelWeights w = ModelWeights.load(file, c, kernels);
            AdapterSet a = new AdapterSet(w, c, List.of(LoraAdapter.load(loraA)), List.of(0.8f));
            AdapterSet b = new AdapterSet(w, c, List.of(LoraAdapter.load(loraB)), List.of(0.8f));
            Transformer t = new Transformer(c, w, kernels, parallel, 64, 64);
            Batch batch = new Batch(64, 3);
            batch.add(P1, 0, P1.length, 0, new KvCache(c, 64, KvCache.Type.F32), a);
            batch.add(P2, 0, P2.length, 0, new KvCache(c, 64, KvCache.Type.F32), b);
            batch.add(P3, 0, P3.length, 0, new KvCache(c, 64, KvCache.Type.F32));
            int vocab = w.vocabSize();
            float[] logits = new float[3 * vocab];
            t.forward(batch, logits);
            float[][] expected = {e1, e2, e3};
            for (int s = 0; s < 3; s++) {
                float[] actual = Arrays.copyOfRange(logits, s * vocab, (s + 1) * vocab);
                double diff = LogitComparison.of(expected[s], actual).relativeMaxDiff();
                System.out.printf("segment %d in a mixed-adapter batch vs alone: %.2e%n", s, diff);
                // F32 weights take tinyBLAS lanes for a batch of rows: the same sums in another order as a lone sequence
                assertThat(diff).as("segment %d", s).isLessThanOrEqualTo(1e-5);
            }
        }
    }

    @Test
    void schedulerServesSequencesWithDifferentAdaptersTogether() throws Exception {
        try (Engine e = Engine.load(model, OPTS.withBatchSize(8))) {
            AdapterSet a = e.loadAdapters(List.of(new AppliedLora(loraA, 0.8f)));
            AdapterSet b = e.loadAdapters(List.of(new AppliedLora(loraB, 0.8f)));
            // the same prompt with A, A again, then none: a cache's prefix is reused within one adapter set, never across
            AdapterSet[] sets = {a, a, null, b, null};
            int[][] prompts = {P3, P3, P3, P1, P2};
            GenerationRequest greedy = new GenerationRequest(10, SamplingParams.greedy(), List.of(), true);
            List<GenerationResult> alone = new java.util.ArrayList<>();
            for (int i = 0; i < sets.length; i++) {
                Session s = sets[i] == null ? e.newSession() : e.newSession(sets[i]);
                alone.add(Generator.generate(s, e.tokenizer(), prompts[i], greedy, TokenListener.NONE));
            }
            assertThat(alone.get(0).tokens()).isNotEqualTo(alone.get(2).tokens());
            for (int slots : new int[]{3, 1}) { // 3: adapters mixed in one pass; 1: one after another, caches reused
                try (Scheduler scheduler = new Scheduler(e, slots, 8)) {
                    List<Scheduler.Ticket> tickets = new java.util.ArrayList<>();
                    for (int i = 0; i < sets.length; i++) {
                        tickets.add(scheduler.submit(prompts[i], greedy, TokenListener.NONE, sets[i]));
                    }
                    for (int i = 0; i < sets.length; i++) {
                        assertThat(tickets.get(i).result().get(60, java.util.concurrent.TimeUnit.SECONDS).tokens())
                                .as("sequence %d with %d slots", i, slots).containsExactly(alone.get(i).tokens());
                    }
                    if (slots == 1) {
                        assertThat(scheduler.reusedPromptTokens()).as("A's cache reused by A's identical prompt").isPositive();
                        assertThat(scheduler.mixedAdapterPasses()).as("one sequence per pass never mixes").isZero();
                    }
                }
            }
        }
    }

    @Test
    void aForwardPassHoldingTwoAdapterSetsIsCounted() throws Exception {
        try (Engine e = Engine.load(model, OPTS.withBatchSize(8))) {
            AdapterSet a = e.loadAdapters(List.of(new AppliedLora(loraA, 0.8f)));
            GenerationRequest greedy = new GenerationRequest(6, SamplingParams.greedy(), List.of(), true);
            try (Scheduler scheduler = new Scheduler(e, 2, 8)) {
                // the base sequence holds the scheduler's thread at its first token until A's is queued, so the next
                // pass holds the base's decode step and A's prompt
                java.util.concurrent.CountDownLatch queued = new java.util.concurrent.CountDownLatch(1);
                Scheduler.Ticket base = scheduler.submit(P1, greedy, (token, text) -> {
                    try {
                        queued.await();
                    } catch (InterruptedException x) {
                        throw new IllegalStateException(x);
                    }
                }, null);
                Scheduler.Ticket tuned = scheduler.submit(P2, greedy, TokenListener.NONE, a);
                queued.countDown();
                base.result().get(60, java.util.concurrent.TimeUnit.SECONDS);
                tuned.result().get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(scheduler.mixedAdapterPasses()).isPositive();
            }
        }
    }
}
