package dev.sirocco.models.memory;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.model.ModelConfig;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.models.ModelRequestException;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryCheckTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty(AvailableMemory.SYSTEM_PROPERTY);
        System.clearProperty(AvailableMemory.HEAP_PROPERTY);
    }

    @Test
    void estimateCountsTensorBytesAndTheKvCacheOfTheContext() throws Exception {
        ModelSpec spec = ModelSpec.tinyLlama();
        Path path = RandomModels.write(spec, tmp.resolve("m.gguf"));
        try (GgufFile f = GgufFile.open(path)) {
            ModelConfig c = ModelConfig.from(f.metadata());
            MemoryEstimate e = MemoryEstimate.of(f, c, 512, 2, 64);
            long dataBytes = Files.size(path) - f.dataOffset();
            // tensor bytes = the data section less at most one alignment pad per tensor
            assertThat(e.weightsBytes()).isLessThanOrEqualTo(dataBytes)
                    .isGreaterThan(dataBytes - f.alignment() * f.tensorInfos().size());
            int kvDim = spec.kvHeads() * spec.headDim();
            assertThat(e.kvCacheBytes()).isEqualTo((long) spec.layers() * 512 * (2L * kvDim) * 2);
            assertThat(MemoryEstimate.of(f, c, 1024, 4, 64).kvCacheBytes()).isEqualTo(4 * e.kvCacheBytes());
            assertThat(e.workingBytes()).isGreaterThan(MemoryEstimate.JVM_ALLOWANCE);
            assertThat(e.total()).isEqualTo(e.weightsBytes() + e.kvCacheBytes() + e.workingBytes());
        }
    }

    @Test
    void modelThatCannotFitIsRefusedWithTheNumbersAndTheOptions() {
        MemoryEstimate need = new MemoryEstimate(4L << 30, 1L << 30, 100L << 20, 8192);
        assertThatThrownBy(() -> MemoryCheck.require(need, new AvailableMemory(3L << 30, -1), "big.gguf"))
                .isInstanceOf(ModelRequestException.class)
                .hasMessage("not enough memory for big.gguf: it needs weights 4.00 GiB + KV cache 1.00 GiB (context 8192)"
                        + " + working memory 100.0 MiB = 5.10 GiB but 3.00 GiB is available; use a smaller quantization"
                        + " (e.g. Q4_K_M), a shorter context (--ctx 4096), or a smaller model");
        assertThatThrownBy(() -> MemoryCheck.require(need, new AvailableMemory(64L << 30, 512L << 20), "big.gguf"))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageStartingWith("not enough Java heap for big.gguf: the KV cache and working memory need 1.10 GiB");
        assertThatCode(() -> MemoryCheck.require(need, new AvailableMemory(6L << 30, 2L << 30), "big.gguf")).doesNotThrowAnyException();
        assertThatCode(() -> MemoryCheck.require(need, new AvailableMemory(-1, -1), "big.gguf")).doesNotThrowAnyException();
    }

    @Test
    void beforeLoadingUsesTheMeasuredMemory() throws Exception {
        Path path = RandomModels.write(ModelSpec.tinyLlama(), tmp.resolve("m.gguf"));
        assertThatCode(() -> MemoryCheck.beforeLoading(path, EngineOptions.defaults())).doesNotThrowAnyException();
        System.setProperty(AvailableMemory.SYSTEM_PROPERTY, Long.toString(1L << 20));
        assertThatThrownBy(() -> MemoryCheck.beforeLoading(path, EngineOptions.defaults()))
                .isInstanceOf(ModelRequestException.class).hasMessageContaining("1.0 MiB is available");
    }

    @Test
    void memAvailableIsReadFromMeminfo() throws Exception {
        Path meminfo = tmp.resolve("meminfo");
        Files.writeString(meminfo, "MemTotal:       16318004 kB\nMemFree:         1190440 kB\nMemAvailable:    9876543 kB\nBuffers: 1 kB\n");
        assertThat(AvailableMemory.memAvailable(meminfo)).isEqualTo(9876543L * 1024);
        assertThat(AvailableMemory.memAvailable(tmp.resolve("none"))).isEqualTo(-1);
    }
}
