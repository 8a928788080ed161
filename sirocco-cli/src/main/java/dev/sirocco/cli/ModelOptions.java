package dev.sirocco.cli;

import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.models.memory.MemoryCheck;
import dev.sirocco.models.store.ModelStore;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The options shared by every command that loads a model: which file, how many threads, which KV cache. */
public final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M", description = "Path to a .gguf file, or a model id from the store (sirocco list).")
    String model;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Model store for ids (default: $SIROCCO_DATA_DIR or ~/.sirocco).")
    Path dataDir;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads for the forward pass (default: all cores).")
    Integer threads;

    @Option(names = "--kv-type", paramLabel = "TYPE", defaultValue = "f16", description = "KV cache type: f32, f16 or q8_0 (default f16, as llama.cpp; q8_0 attends as llama.cpp's flash attention).")
    String kvType;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", defaultValue = "0", description = "Context size in tokens (default: the model's, at most 4096).")
    int contextSize;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "Prompt tokens per forward pass.")
    int batchSize;

    @Option(names = "--scalar", description = "Use the scalar reference kernels instead of the Vector API ones.")
    boolean scalar;

    Path modelPath() {
        return ModelFile.existing(model, dataDir != null ? dataDir : ModelStore.defaultDataDir());
    }

    EngineOptions engineOptions() {
        EngineOptions o = EngineOptions.defaults()
                .withContextSize(contextSize)
                .withBatchSize(batchSize)
                .withKvType(kvCacheType())
                .withKernels(scalar ? EngineOptions.KernelChoice.SCALAR : EngineOptions.KernelChoice.AUTO);
        return threads != null ? o.withThreads(threads) : o;
    }

    KvCache.Type kvCacheType() {
        return switch (kvType.toLowerCase(Locale.ROOT)) {
            case "f32" -> KvCache.Type.F32;
            case "f16" -> KvCache.Type.F16;
            case "q8_0" -> KvCache.Type.Q8_0;
            default -> throw new BadInputException("--kv-type " + kvType + " is not supported; use f32, f16 or q8_0");
        };
    }

    Engine load() throws IOException {
        Path path = modelPath();
        MemoryCheck.beforeLoading(path, engineOptions()); // refuse with the numbers rather than fail half way
        return Engine.load(path, engineOptions());
    }
}
