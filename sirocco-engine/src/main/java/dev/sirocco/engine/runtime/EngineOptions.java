package dev.sirocco.engine.runtime;

import dev.sirocco.engine.model.KvCache;

/**
 * How to run a model: threads, context length (0: the model's, capped at {@link #DEFAULT_MAX_CONTEXT}),
 * KV cache type, how many prompt tokens go through one forward pass, and which kernels to use.
 */
public record EngineOptions(int threads, int contextSize, KvCache.Type kvType, int batchSize, KernelChoice kernels) {

    /** Default context when the caller gives none: long-context models would otherwise reserve gigabytes of cache. */
    public static final int DEFAULT_MAX_CONTEXT = 4096;

    /** Which kernel implementation runs the matrix products. */
    public enum KernelChoice { AUTO, SCALAR }

    public EngineOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (contextSize < 0) {
            throw new IllegalArgumentException("context size must be 0 (model default) or positive, got " + contextSize);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
    }

    public static EngineOptions defaults() {
        return new EngineOptions(Runtime.getRuntime().availableProcessors(), 0, KvCache.Type.F16, 64, KernelChoice.AUTO);
    }

    public EngineOptions withThreads(int n) {
        return new EngineOptions(n, contextSize, kvType, batchSize, kernels);
    }

    public EngineOptions withContextSize(int n) {
        return new EngineOptions(threads, n, kvType, batchSize, kernels);
    }

    public EngineOptions withKvType(KvCache.Type t) {
        return new EngineOptions(threads, contextSize, t, batchSize, kernels);
    }

    public EngineOptions withBatchSize(int n) {
        return new EngineOptions(threads, contextSize, kvType, n, kernels);
    }

    public EngineOptions withKernels(KernelChoice k) {
        return new EngineOptions(threads, contextSize, kvType, batchSize, k);
    }
}
