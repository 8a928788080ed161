package dev.sirocco.train.ops;

import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.lora.LoraTarget;
import dev.sirocco.train.lora.TrainableLora;
import dev.sirocco.train.model.BaseModel;
import dev.sirocco.train.model.TrainableWeights;
import dev.sirocco.train.model.TrainingModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gradient of the whole tiny model's masked cross-entropy with respect to every LoRA factor (all seven
 * projections of both layers), against finite differences: embedding, RMSNorm, QK-norm, RoPE, GQA attention,
 * SwiGLU, residuals, LM head and loss together. F32, along random directions (see {@link GradCheck}), 3e-3 relative (measured: within 7e-4).
 */
class WholeModelGradientTest {
    @TempDir
    Path dir;

    @Test
    void loraGradientsOfTheWholeModelMatchFiniteDifferences() throws Exception {
        ModelSpec spec = ModelSpec.tinyQwen3().toBuilder().dim(32).headDim(16).ffn(64).build();
        Path model = RandomModels.write(spec, dir.resolve("tiny.gguf"));
        try (BaseModel base = BaseModel.load(model, 1)) {
            TrainableLora lora = TrainableLora.init(base.weights(), LoraTarget.all(), 2, 2f, 9);
            SplittableRandom rnd = new SplittableRandom(4);
            for (Parameter p : lora.parameters()) {
                for (int i = 0; i < p.value.length; i++) {
                    p.value[i] = (float) (0.5 * rnd.nextGaussian());
                }
            }
            TrainingModel m = new TrainingModel(base, lora);
            int[] tokens = {1, 40, 7, 99, 13, 250, 8};
            float[] weights = {0, 0, 1, 1, 0, 1, 1};
            GradCheck.checkDirections(lora.parameters(), t -> m.loss(t, tokens, weights, 4), 6, 1e-4, 3e-3);
        }
    }

    @Test
    void fullWeightGradientsOfTheWholeModelMatchFiniteDifferences() throws Exception {
        ModelSpec spec = ModelSpec.tinyQwen3().toBuilder().dim(32).headDim(16).ffn(64).build();
        Path model = RandomModels.write(spec, dir.resolve("tiny-full.gguf"));
        try (BaseModel base = BaseModel.load(model, 1)) {
            TrainableWeights full = TrainableWeights.from(base.file(), base.kernels());
            assertThat(full.get("blk.1.attn_k_norm.weight")).isNotNull();
            TrainingModel m = new TrainingModel(base, full);
            int[] tokens = {1, 40, 7, 99, 13, 250, 8};
            float[] weights = {0, 1, 1, 1, 0, 1, 1};
            GradCheck.checkDirections(full.parameters(), t -> m.loss(t, tokens, weights, 5), 4, 1e-4, 3e-3);
        }
    }
}
