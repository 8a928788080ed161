package dev.sirocco.train.model;

import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.export.AdapterWriter;
import dev.sirocco.train.lora.LoraTarget;
import dev.sirocco.train.lora.TrainableLora;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training forward pass computes the logits the engine serves: same weights, same kernels, with and without a
 * LoRA adapter (written by our exporter, loaded by the engine's {@code --lora}). Tolerance: max |diff| within 1e-4 of
 * max |logit|; the remaining difference is the attention's exp and summation order (the engine mirrors ggml's).
 */
class TrainingModelMatchesEngineTest {
    @TempDir
    static Path dir;

    static ModelSpec spec(String arch, GgmlType type) {
        ModelSpec base = switch (arch) {
            case "qwen3" -> ModelSpec.tinyQwen3();
            case "qwen2" -> ModelSpec.tinyQwen2();
            case "gemma3" -> ModelSpec.tinyGemma3();
            default -> ModelSpec.tinyMistral();
        };
        return base.toBuilder().weightType(type).build();
    }

    @ParameterizedTest(name = "{0} {1} lora={2}")
    @CsvSource({"mistral, F32, false", "mistral, F32, true", "qwen3, F32, true", "qwen2, Q8_0, true", "qwen3, Q4_0, false", "gemma3, F32, true"})
    void trainingLogitsEqualEngineLogits(String arch, GgmlType type, boolean withLora) throws Exception {
        Path model = RandomModels.write(spec(arch, type), dir.resolve(arch + "-" + type + ".gguf"));
        int[] tokens = {1, 17, 250, 31, 4, 99, 7, 300, 12, 5};
        try (BaseModel base = BaseModel.load(model, 1)) {
            TrainableLora lora = null;
            EngineOptions opts = EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32);
            if (withLora) {
                lora = TrainableLora.init(base.weights(), LoraTarget.all(), 4, 8f, 3);
                SplittableRandom rnd = new SplittableRandom(5);
                for (Parameter p : lora.parameters()) {
                    if (p.name.endsWith("lora_b")) { // B starts at zero; make the adapter do something
                        for (int i = 0; i < p.value.length; i++) {
                            p.value[i] = (float) (0.2 * rnd.nextGaussian());
                        }
                    }
                }
                Path adapter = dir.resolve(arch + "-" + type + "-lora.gguf");
                AdapterWriter.write(lora, base.config().architecture().ggufName(), adapter);
                opts = opts.withLora(new AppliedLora(adapter, 1f));
            }
            float[] ours = new TrainingModel(base, lora).logits(new Tape(), tokens).value;
            float[] engine;
            try (Engine e = Engine.load(model, opts)) {
                engine = e.newSession().evaluateAll(tokens);
            }
            assertThat(ours).hasSameSizeAs(engine);
            double maxAbs = 0, maxDiff = 0;
            for (int i = 0; i < ours.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(engine[i]));
                maxDiff = Math.max(maxDiff, Math.abs(engine[i] - ours[i]));
            }
            System.out.printf("training vs engine %s %s lora=%s: max|diff|/max|logit| %.2e%n", arch, type, withLora, maxDiff / maxAbs);
            // gemma3's GeGLU: the engine looks GELU up in ggml's F16 table, training computes it exactly
            double tolerance = arch.equals("gemma3") ? 5e-3 : 1e-4;
            assertThat(maxDiff / maxAbs).isLessThanOrEqualTo(tolerance);
        }
    }

    @org.junit.jupiter.api.Test
    void mixtureOfExpertsIsRejectedClearly() throws Exception {
        Path model = RandomModels.write(ModelSpec.tinyMixtral(), dir.resolve("mixtral.gguf"));
        try (BaseModel base = BaseModel.load(model, 1)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TrainingModel(base, (TrainableLora) null))
                    .isInstanceOf(dev.sirocco.engine.model.UnsupportedModelException.class)
                    .hasMessageContaining("mixture of experts");
        }
    }
}
