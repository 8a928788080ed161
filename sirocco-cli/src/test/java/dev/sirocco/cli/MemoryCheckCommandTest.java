package dev.sirocco.cli;

import dev.sirocco.models.memory.AvailableMemory;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.sirocco.cli.CommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** A command that loads a model refuses, with exit 2 and the numbers, when the machine is too small. */
class MemoryCheckCommandTest {
    @TempDir
    Path tmp;

    @Test
    void modelThatDoesNotFitIsRefusedWithExitTwo() {
        Path model = RandomModels.write(ModelSpec.tinyLlama(), tmp.resolve("m.gguf"));
        System.setProperty(AvailableMemory.SYSTEM_PROPERTY, Long.toString(8L << 20));
        try {
            CommandsTest.Result r = run("logits", "--model", model.toString(), "--tokens", "1,2", "--ctx", "2048");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err().strip()).startsWith("sirocco: not enough memory for m.gguf: it needs weights ")
                    .contains("(context 2048)").contains("but 8.0 MiB is available")
                    .contains("a smaller quantization").contains("--ctx 1024");
            assertThat(r.err().strip().lines()).hasSize(1);
        } finally {
            System.clearProperty(AvailableMemory.SYSTEM_PROPERTY);
        }
        assertThat(run("logits", "--model", model.toString(), "--tokens", "1,2").exit()).isZero();
    }
}
