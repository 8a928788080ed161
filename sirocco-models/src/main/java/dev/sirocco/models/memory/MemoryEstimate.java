package dev.sirocco.models.memory;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.model.ModelConfig;

/**
 * What loading a model for one sequence costs:
 * <ul>
 *   <li>weights: the file's tensor bytes (memory-mapped, so they need page cache, not heap);</li>
 *   <li>KV cache: layers x context x (kv dim + v dim) x bytes per element (Java heap);</li>
 *   <li>working memory: the forward pass's activation buffers for a batch (x, q, k, v, attention, two FFN
 *   buffers, per-head scores over the context), the logits of a batch, plus a fixed allowance for the JVM.</li>
 * </ul>
 */
public record MemoryEstimate(long weightsBytes, long kvCacheBytes, long workingBytes, int contextSize) {
    /** Class metadata, tokenizer tables, thread stacks: measured well under this on the tiny test models. */
    static final long JVM_ALLOWANCE = 64L << 20;

    /**
     * @param contextSize  the context the engine will allocate (positions)
     * @param kvBytesPerElement 4 for F32, 2 for F16, 34/32 for Q8_0
     * @param batchSize    prompt tokens per forward pass
     */
    public static MemoryEstimate of(GgufFile file, ModelConfig c, int contextSize, double kvBytesPerElement, int batchSize) {
        long weights = 0;
        for (GgufTensorInfo t : file.tensorInfos()) {
            weights += t.byteSize();
        }
        long kv = (long) Math.ceil((double) c.layers() * contextSize * (c.kvDim() + c.vDim()) * kvBytesPerElement);
        long vocab = vocabSize(file);
        long ffn = Math.max(c.ffnDim(), 1);
        long perToken = 4L * c.dim() + c.qDim() + c.kvDim() + c.vDim() + (long) c.heads() * c.valueHeadDim() + 2 * ffn;
        long floats = batchSize * perToken + (long) c.heads() * contextSize + (long) batchSize * vocab;
        return new MemoryEstimate(weights, kv, 4 * floats + JVM_ALLOWANCE, contextSize);
    }

    public long total() {
        return weightsBytes + kvCacheBytes + workingBytes;
    }

    /** What lives on the Java heap (the weights are mapped outside it). */
    public long heapBytes() {
        return kvCacheBytes + workingBytes;
    }

    private static long vocabSize(GgufFile file) {
        if (file.metadata().has("tokenizer.ggml.tokens")) {
            return file.metadata().getArray("tokenizer.ggml.tokens").length();
        }
        return file.hasTensor("token_embd.weight") ? file.tensor("token_embd.weight").dim(1) : 0;
    }
}
