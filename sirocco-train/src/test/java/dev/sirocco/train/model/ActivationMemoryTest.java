package dev.sirocco.train.model;

import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The activation estimate that turns checkpointing on by itself: short sequences fit the heap, huge ones do not. */
class ActivationMemoryTest {
    @TempDir
    Path dir;

    @Test
    void checkpointingIsNeededOnlyWhenASequencesActivationsWouldTakeHalfTheHeap() throws Exception {
        Path file = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        try (BaseModel base = BaseModel.load(file, 1)) {
            long vocab = base.weights().output().rows();
            long at64 = TrainingModel.activationBytes(base.config(), vocab, 64);
            long at128 = TrainingModel.activationBytes(base.config(), vocab, 128);
            // at least the logits, their gradient and the softmax: three (positions, vocab) float arrays
            assertThat(at64).isGreaterThanOrEqualTo(3L * 4 * 64 * vocab);
            // linear in the positions plus the attention probabilities' quadratic term
            assertThat(at128).isGreaterThan(2 * at64);
            assertThat(TrainingModel.needsCheckpointing(base.config(), vocab, 64)).isFalse();
            int huge = (int) Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / at64 * 64 + 1);
            assertThat(TrainingModel.needsCheckpointing(base.config(), vocab, huge)).isTrue();
        }
    }
}
