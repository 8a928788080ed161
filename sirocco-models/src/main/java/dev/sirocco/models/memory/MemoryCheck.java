package dev.sirocco.models.memory;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.model.ModelConfig;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.models.ModelRequestException;

import java.io.IOException;
import java.nio.file.Path;

import java.util.Locale;

/**
 * Refuses to load a model that cannot fit, before anything is allocated, with the numbers and what to change:
 * a model that does not fit in memory either fails half way or pages its weights from disk for every token.
 * {@code -Dsirocco.memory.check=false} turns it off.
 */
public final class MemoryCheck {
    public static final String ENABLED_PROPERTY = "sirocco.memory.check";

    private MemoryCheck() {
    }

    /**
     * Checks a model file against this machine for the given engine options (context as {@code Engine} resolves it:
     * the option, else the model's capped at {@link EngineOptions#DEFAULT_MAX_CONTEXT}).
     */
    public static void beforeLoading(Path gguf, EngineOptions options) throws IOException {
        if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY))) {
            return;
        }
        try (GgufFile file = GgufFile.open(gguf)) {
            ModelConfig c = ModelConfig.from(file.metadata());
            int ctx = options.contextSize() > 0 ? options.contextSize()
                    : Math.min(c.contextLength(), EngineOptions.DEFAULT_MAX_CONTEXT);
            MemoryEstimate need = MemoryEstimate.of(file, c, ctx, kvBytesPerElement(options.kvType().name()), options.batchSize());
            require(need, AvailableMemory.measure(), gguf.getFileName().toString());
        }
    }

    /** Bytes per cached element for a KV cache type name (F32, F16, Q8_0: 34-byte blocks of 32). */
    static double kvBytesPerElement(String type) {
        return switch (type.toUpperCase(Locale.ROOT)) {
            case "F32" -> 4;
            case "Q8_0" -> 34.0 / 32;
            default -> 2;
        };
    }

    public static void require(MemoryEstimate need, AvailableMemory have, String model) {
        if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY))) {
            return;
        }
        String numbers = String.format(Locale.ROOT, "weights %s + KV cache %s (context %d) + working memory %s = %s",
                gib(need.weightsBytes()), gib(need.kvCacheBytes()), need.contextSize(), gib(need.workingBytes()), gib(need.total()));
        if (have.systemBytes() >= 0 && need.total() > have.systemBytes()) {
            throw new ModelRequestException("not enough memory for " + model + ": it needs " + numbers + " but "
                    + gib(have.systemBytes()) + " is available; use a smaller quantization (e.g. Q4_K_M), a shorter"
                    + " context (--ctx " + shorterContext(need) + "), or a smaller model");
        }
        if (have.heapBytes() >= 0 && need.heapBytes() > have.heapBytes()) {
            throw new ModelRequestException("not enough Java heap for " + model + ": the KV cache and working memory need "
                    + gib(need.heapBytes()) + " (" + numbers + ") but the heap can grow by only " + gib(have.heapBytes())
                    + "; give a shorter context (--ctx " + shorterContext(need) + ") or more heap (SIROCCO_JAVA_OPTS=-Xmx...)");
        }
    }

    private static int shorterContext(MemoryEstimate need) {
        return Math.max(256, Integer.highestOneBit(Math.max(1, need.contextSize() / 2)));
    }

    static String gib(long bytes) {
        return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
