package dev.sirocco.cli;

import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.models.store.ModelStore;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** How to load a model, whichever it is: the store to find ids in, adapters, threads, context, KV cache type, kernels. */
public final class EngineFlags {
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

    @Option(names = "--lora", paramLabel = "F[:SCALE]",
            description = "Apply a LoRA adapter GGUF (llama.cpp's adapter format) at SCALE (default 1); repeatable.")
    List<String> lora = List.of();

    @Option(names = "--scalar", description = "Use the scalar reference kernels instead of the Vector API ones.")
    boolean scalar;

    Path dataDir() {
        return dataDir != null ? dataDir : ModelStore.defaultDataDir();
    }

    EngineOptions engineOptions() {
        EngineOptions o = EngineOptions.defaults()
                .withContextSize(contextSize)
                .withBatchSize(batchSize)
                .withKvType(kvCacheType())
                .withKernels(scalar ? EngineOptions.KernelChoice.SCALAR : EngineOptions.KernelChoice.AUTO);
        for (String spec : lora) {
            o = o.withLora(AppliedLora.parse(spec));
        }
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
}
