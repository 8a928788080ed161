package dev.sirocco.train.checkpoint;

import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.train.FinetuneConfig;
import dev.sirocco.train.Finetuner;
import dev.sirocco.train.TrainingResult;
import dev.sirocco.train.data.Example;
import dev.sirocco.train.lora.LoraTarget;
import dev.sirocco.train.model.BaseModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run killed after a checkpoint and resumed ends bit-identical to the run that was never interrupted. */
class ResumeTest {
    @TempDir
    Path dir;

    static List<Example> data() {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // 5 examples, batch 2: epochs end mid-batch, so the data order is tested too
            out.add(new Example("e" + i, new int[]{1, 30 + i, 100 + i, 60 + 2 * i}, new float[]{0, 1, 1, 1}));
        }
        return out;
    }

    static final FinetuneConfig CONFIG = new FinetuneConfig(9, 1, 2, 4f, 5e-3f, 2, 16, Set.of(LoraTarget.Q, LoraTarget.UP), 5, 0.2, 0.01f, 1.0);

    static final class Killed extends RuntimeException {
    }

    @Test
    void resumedRunEqualsUninterruptedRunBitForBit() throws Exception {
        Path model = RandomModels.write(ModelSpec.tinyLlama().toBuilder().dim(32).headDim(8).ffn(64).build(), dir.resolve("m.gguf"));
        try (BaseModel base = BaseModel.load(model, 1)) {
            TrainingResult straight = new Finetuner(base, CONFIG).run(data(), p -> { });

            Path cps = dir.resolve("checkpoints");
            CheckpointPolicy policy = new CheckpointPolicy(cps, 3, true);
            assertThatThrownBy(() -> new Finetuner(base, CONFIG).run(data(), p -> {
                if (p.step() == 5) {
                    throw new Killed();
                }
            }, policy)).isInstanceOf(Killed.class);
            assertThat(Checkpoint.latest(cps)).isEqualTo(Checkpoint.file(cps, 3));

            List<Integer> resumedSteps = new ArrayList<>();
            TrainingResult resumed = new Finetuner(base, CONFIG).run(data(), p -> resumedSteps.add(p.step()), policy);
            assertThat(resumedSteps).containsExactly(4, 5, 6, 7, 8, 9);
            assertThat(resumed.initialLoss()).isEqualTo(straight.initialLoss());
            assertThat(resumed.finalLoss()).isEqualTo(straight.finalLoss());
            for (int i = 0; i < straight.lora().parameters().size(); i++) {
                assertThat(resumed.lora().parameters().get(i).value).isEqualTo(straight.lora().parameters().get(i).value);
            }
            assertThat(Files.exists(Checkpoint.file(cps, 6))).isTrue();

            FinetuneConfig other = new FinetuneConfig(9, 1, 2, 4f, 1e-3f, 2, 16, Set.of(LoraTarget.Q, LoraTarget.UP), 5, 0.2, 0.01f, 1.0);
            assertThatThrownBy(() -> new Finetuner(base, other).run(data(), p -> { }, policy))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different run");
        }
    }
}
