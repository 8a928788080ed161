package dev.sirocco.train;

import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.Session;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.data.Example;
import dev.sirocco.train.export.AdapterWriter;
import dev.sirocco.train.lora.LoraTarget;
import dev.sirocco.train.model.BaseModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** LoRA fine-tuning end to end on a random-weight base: it learns what the base cannot, reproducibly. */
class FinetunerTest {
    static final int[] KEYS = {40, 41, 42, 43, 44, 45, 46, 47};
    static final int[] VALUES = {300, 17, 222, 95, 150, 8, 260, 77};

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("base.gguf"));
    }

    /** BOS, key → value: only the value is trained on. */
    static List<Example> mapping() {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < KEYS.length; i++) {
            out.add(new Example("pair " + i, new int[]{1, KEYS[i], VALUES[i]}, new float[]{0, 0, 1}));
        }
        return out;
    }

    static FinetuneConfig config(int steps, long seed) {
        return new FinetuneConfig(steps, 1, 4, 8f, 2e-2f, 8, 16, Set.of(LoraTarget.Q, LoraTarget.V, LoraTarget.O, LoraTarget.DOWN),
                seed, 0.1, 0f, 1.0);
    }

    @Test
    void loraLearnsAMappingTheBaseCannotProduce() throws Exception {
        TrainingResult r;
        try (BaseModel base = BaseModel.load(model, 1)) {
            r = new Finetuner(base, config(60, 1)).run(mapping(), p -> { });
            AdapterWriter.write(r.lora(), "llama", dir.resolve("mapping.gguf"));
        }
        try (BaseModel base = BaseModel.load(model, 1)) {
            // a batch of all 8 examples: the first step's loss is the untouched base's mean loss (B starts at zero)
            double held = Evaluation.meanLoss(new dev.sirocco.train.model.TrainingModel(base, (dev.sirocco.train.lora.TrainableLora) null), mapping(), 16);
            assertThat(held).isCloseTo(r.initialLoss(), org.assertj.core.data.Offset.offset(1e-4 * held));
            double after = Evaluation.meanLoss(new dev.sirocco.train.model.TrainingModel(base, r.lora()), mapping(), 16);
            assertThat(after).isLessThan(0.1 * held);
        }
        System.out.printf("mapping: loss %.4f -> %.4f in %d steps, %.0f tokens/s%n", r.initialLoss(), r.finalLoss(), r.steps(), r.tokensPerSecond());
        assertThat(r.finalLoss()).isLessThan(0.1 * r.initialLoss());

        EngineOptions opts = EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32);
        int baseHits = greedyHits(Engine.load(model, opts));
        int tunedHits = greedyHits(Engine.load(model, opts.withLora(new AppliedLora(dir.resolve("mapping.gguf"), 1f))));
        System.out.printf("greedy value after key: base %d/8, with the adapter %d/8%n", baseHits, tunedHits);
        assertThat(baseHits).isLessThanOrEqualTo(1);
        assertThat(tunedHits).isEqualTo(KEYS.length);
    }

    @Test
    void sameSeedGivesTheSameAdapterBitForBit() throws Exception {
        try (BaseModel base = BaseModel.load(model, 1)) {
            List<Parameter> a = new Finetuner(base, config(5, 3)).run(mapping(), p -> { }).lora().parameters();
            List<Parameter> b = new Finetuner(base, config(5, 3)).run(mapping(), p -> { }).lora().parameters();
            List<Parameter> c = new Finetuner(base, config(5, 4)).run(mapping(), p -> { }).lora().parameters();
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i).value).isEqualTo(a.get(i).value);
            }
            assertThat(c.get(0).value).isNotEqualTo(a.get(0).value);
        }
    }

    private static int greedyHits(Engine engine) {
        try (engine) {
            int hits = 0;
            for (int i = 0; i < KEYS.length; i++) {
                Session s = engine.newSession();
                float[] logits = s.evaluate(new int[]{1, KEYS[i]});
                int best = 0;
                for (int t = 1; t < engine.vocabSize(); t++) {
                    if (logits[t] > logits[best]) {
                        best = t;
                    }
                }
                hits += best == VALUES[i] ? 1 : 0;
            }
            return hits;
        }
    }

    @Test
    void examplesWhoseTrainedTokensAreAllBeyondSeqLenAreRefused() throws Exception {
        try (BaseModel base = BaseModel.load(model, 1)) {
            List<Example> late = List.of(new Example("long 1", new int[]{1, 5, 6, 7, 8, 9}, new float[]{0, 0, 0, 0, 1, 1}));
            FinetuneConfig c = new FinetuneConfig(2, 1, 2, 4f, 1e-3f, 1, 3, Set.of(LoraTarget.Q), 1, 0.1, 0f, 1.0);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Finetuner(base, c).run(late, p -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("long 1 has its first at token 4").hasMessageContaining("raise --seq-len");
        }
    }
}
