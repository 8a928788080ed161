package dev.sirocco.train.autograd;

import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
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

/** Activation checkpointing changes memory, not numbers: loss and every gradient bit-identical. */
class RecomputeTest {
    @TempDir
    Path dir;

    static final int[] TOKENS = {1, 40, 7, 99, 13, 250, 8, 31};
    static final float[] WEIGHTS = {0, 1, 1, 1, 0, 1, 1, 1};

    @Test
    void loraGradientsAreBitIdenticalWithRecomputation() throws Exception {
        Path model = RandomModels.write(ModelSpec.tinyQwen3(), dir.resolve("m.gguf"));
        try (BaseModel base = BaseModel.load(model, 1)) {
            TrainableLora lora = TrainableLora.init(base.weights(), List.of(LoraTarget.values()), 2, 4f, 1);
            SplittableRandom rnd = new SplittableRandom(2);
            for (Parameter p : lora.parameters()) {
                for (int i = 0; i < p.value.length; i++) {
                    p.value[i] = (float) (0.3 * rnd.nextGaussian());
                }
            }
            compare(lora.parameters(), new TrainingModel(base, lora), new TrainingModel(base, lora).withActivationCheckpointing(true));
        }
    }

    @Test
    void fullGradientsAreBitIdenticalWithRecomputation() throws Exception {
        Path model = RandomModels.write(ModelSpec.tinyGemma3(), dir.resolve("g.gguf"));
        try (BaseModel base = BaseModel.load(model, 1)) {
            TrainableWeights full = TrainableWeights.from(base.file(), base.kernels());
            compare(full.parameters(), new TrainingModel(base, full), new TrainingModel(base, full).withActivationCheckpointing(true));
        }
    }

    private static void compare(List<Parameter> params, TrainingModel plain, TrainingModel recomputed) {
        float[][] expected = gradients(params, plain);
        float[][] actual = gradients(params, recomputed);
        boolean anyNonZero = false;
        for (int i = 0; i < params.size(); i++) {
            assertThat(actual[i]).as(params.get(i).name).isEqualTo(expected[i]);
            for (float g : expected[i]) {
                anyNonZero |= g != 0f;
            }
        }
        assertThat(anyNonZero).isTrue();
    }

    private static float[][] gradients(List<Parameter> params, TrainingModel m) {
        params.forEach(Parameter::zeroGrad);
        Tape tape = new Tape();
        tape.backward(m.loss(tape, TOKENS, WEIGHTS, 6));
        float[][] out = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            out[i] = params.get(i).grad.clone();
        }
        return out;
    }
}
