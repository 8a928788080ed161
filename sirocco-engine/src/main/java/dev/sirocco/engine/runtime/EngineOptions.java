package dev.sirocco.engine.runtime;

import dev.sirocco.engine.model.KvCache;

import java.util.ArrayList;
import java.util.List;

/**
 * How to run a model: threads, context length (0: the model's, capped at {@link #DEFAULT_MAX_CONTEXT}),
 * KV cache type, how many prompt tokens go through one forward pass, which kernels to use, the LoRA adapters
 * applied on top of the model's weights, and how many sequences decode together at most ({@code sequences}: the
 * server's --parallel, 1 elsewhere; the kernels size their batch tiles for it).
 */
public record EngineOptions(int threads, int contextSize, KvCache.Type kvType, int batchSize, KernelChoice kernels,
                            List<AppliedLora> lora, int sequences) {

    /** Default context when the caller gives none: long-context models would otherwise reserve gigabytes of cache. */
    public static final int DEFAULT_MAX_CONTEXT = 4096;

    /** Which kernel implementation runs the matrix products. */
    public enum KernelChoice { AUTO, SCALAR }

    public EngineOptions {
        lora = List.copyOf(lora);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (contextSize < 0) {
            throw new IllegalArgumentException("context size must be 0 (model default) or positive, got " + contextSize);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (sequences < 1) {
            throw new IllegalArgumentException("sequences decoded together must be at least 1, got " + sequences);
        }
    }

    public static EngineOptions defaults() {
        return new EngineOptions(Runtime.getRuntime().availableProcessors(), 0, KvCache.Type.F16, 64, KernelChoice.AUTO, List.of(), 1);
    }

    public EngineOptions withThreads(int n) {
        return new EngineOptions(n, contextSize, kvType, batchSize, kernels, lora, sequences);
    }

    public EngineOptions withContextSize(int n) {
        return new EngineOptions(threads, n, kvType, batchSize, kernels, lora, sequences);
    }

    public EngineOptions withKvType(KvCache.Type t) {
        return new EngineOptions(threads, contextSize, t, batchSize, kernels, lora, sequences);
    }

    public EngineOptions withBatchSize(int n) {
        return new EngineOptions(threads, contextSize, kvType, n, kernels, lora, sequences);
    }

    public EngineOptions withKernels(KernelChoice k) {
        return new EngineOptions(threads, contextSize, kvType, batchSize, k, lora, sequences);
    }

    /** These options for an engine that decodes up to {@code n} sequences together (the server's --parallel). */
    public EngineOptions withSequences(int n) {
        return new EngineOptions(threads, contextSize, kvType, batchSize, kernels, lora, n);
    }

    /** These options with one more LoRA adapter. */
    public EngineOptions withLora(AppliedLora adapter) {
        List<AppliedLora> all = new ArrayList<>(lora);
        all.add(adapter);
        return new EngineOptions(threads, contextSize, kvType, batchSize, kernels, all, sequences);
    }
}
