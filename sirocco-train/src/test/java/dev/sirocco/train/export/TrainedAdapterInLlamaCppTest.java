package dev.sirocco.train.export;

import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.testkit.LlamaCppOracle;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.OracleSettings;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.train.FinetuneConfig;
import dev.sirocco.train.Finetuner;
import dev.sirocco.train.TrainingResult;
import dev.sirocco.train.data.Example;
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

/**
 * A trained adapter, as our exporter writes it, loaded into llama.cpp (node-llama-cpp's {@code lora} option) gives the
 * logits our engine gives with {@code --lora}; the merged model gives them without the adapter. F32 base, F32 KV
 * cache on both sides; tolerance max |diff| within 1e-3 of max |logit| (the engine differential tests' F32 bound).
 */
class TrainedAdapterInLlamaCppTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path adapter;
    static Path merged;
    static final int[] PROMPT = {1, 40, 300, 41, 17, 42};

    @BeforeAll
    static void train() throws Exception {
        model = RandomModels.write(ModelSpec.tinyQwen3(), dir.resolve("base.gguf"));
        List<Example> data = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            data.add(new Example("pair " + i, new int[]{1, 40 + i, 200 + 7 * i, 41 + i}, new float[]{0, 0, 1, 1}));
        }
        FinetuneConfig config = new FinetuneConfig(15, 1, 4, 8f, 1e-2f, 6, 16, Set.of(LoraTarget.values()), 2, 0.1, 0f, 1.0);
        try (BaseModel base = BaseModel.load(model, 1)) {
            TrainingResult r = new Finetuner(base, config).run(data, p -> { });
            adapter = dir.resolve("trained.gguf");
            merged = dir.resolve("merged.gguf");
            AdapterWriter.write(r.lora(), "qwen3", adapter);
            MergedModelWriter.write(base.file(), r.lora(), base.kernels(), merged);
        }
    }

    @Test
    void llamaCppGivesOurLogitsWithTheTrainedAdapter() throws Exception {
        float[][] theirs = LlamaCppOracle.shared().logits(model, PROMPT, true, OracleSettings.EXACT.withLora(adapter, 1f));
        float[][] base = LlamaCppOracle.shared().logits(model, PROMPT, true);
        float[] ours = engineLogits(model, adapter);
        double diff = relativeMaxDiff(theirs, ours);
        double moved = relativeMaxDiff(base, ours);
        System.out.printf("trained adapter: moves logits by %.3f of max; ours vs llama.cpp %.2e%n", moved, diff);
        assertThat(moved).isGreaterThan(0.05);
        assertThat(diff).isLessThanOrEqualTo(1e-3);
    }

    @Test
    void mergedModelGivesTheBasePlusAdapterLogits() throws Exception {
        float[] withAdapter = engineLogits(model, adapter);
        float[] mergedLogits = engineLogits(merged, null);
        float[][] llamaMerged = LlamaCppOracle.shared().logits(merged, PROMPT, true);
        double diff = relativeMaxDiff(new float[][]{withAdapter}, mergedLogits);
        System.out.printf("merged vs base+adapter: ours %.2e, llama.cpp on the merged file %.2e%n", diff,
                relativeMaxDiff(llamaMerged, withAdapter));
        assertThat(diff).isLessThanOrEqualTo(1e-4);
        assertThat(relativeMaxDiff(llamaMerged, withAdapter)).isLessThanOrEqualTo(1e-3);
    }

    private static float[] engineLogits(Path file, Path lora) throws Exception {
        EngineOptions opts = EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32);
        if (lora != null) {
            opts = opts.withLora(new AppliedLora(lora, 1f));
        }
        try (Engine e = Engine.load(file, opts)) {
            return e.newSession().evaluateAll(PROMPT);
        }
    }

    /** max |a - b| / max |a| over all positions; {@code a} per position (one row when given as a single array). */
    private static double relativeMaxDiff(float[][] a, float[] b) {
        int vocab = b.length / PROMPT.length;
        double maxAbs = 0, maxDiff = 0;
        for (int p = 0; p < PROMPT.length; p++) {
            for (int t = 0; t < vocab; t++) {
                float x = a.length == 1 ? a[0][p * vocab + t] : a[p][t];
                maxAbs = Math.max(maxAbs, Math.abs(x));
                maxDiff = Math.max(maxDiff, Math.abs(x - b[p * vocab + t]));
            }
        }
        return maxDiff / maxAbs;
    }
}
