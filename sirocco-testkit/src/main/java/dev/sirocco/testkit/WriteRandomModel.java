package dev.sirocco.testkit;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.testkit.tokenizer.VocabularyMetadata;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Command-line entry point that writes a random-weight model, for benchmarks and manual runs:
 * {@code WriteRandomModel SHAPE TYPE OUT.gguf} where SHAPE is {@code llama-3.2-1b} (dim 2048, 16 layers,
 * 32 heads, 8 KV heads, FFN 8192, the real Llama 3 vocabulary of 128,256 tokens, tied embeddings, llama3 RoPE)
 * or {@code tiny-llama}, and TYPE a ggml type (F16, Q8_0, Q4_0, Q4_K...). For llama-quantize's mixes
 * (Q4_K_M, Q5_K_M) write F16 and run {@code sirocco quantize} on it, as bench/compare.sh does.
 */
public final class WriteRandomModel {
    private WriteRandomModel() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: WriteRandomModel llama-3.2-1b|tiny-llama F16|Q8_0|Q4_0|Q4_K|... OUT.gguf");
            System.exit(2);
        }
        String shape = args[0];
        String type = args[1].toUpperCase(Locale.ROOT);
        Path out = Path.of(args[2]);
        ModelSpec.Builder b = switch (shape) {
            case "llama-3.2-1b" -> ModelSpec.builder("llama").dim(2048).layers(16).heads(32).kvHeads(8).headDim(64)
                    .ffn(8192).contextLength(131072).ropeBase(500000f).tiedEmbeddings(true).llama3Rope(true)
                    .tokenizer(VocabularyMetadata.llama3(LlamaCppOracle.locateOracleDir().resolve("node_modules")));
            case "tiny-llama" -> ModelSpec.tinyLlama().toBuilder();
            default -> throw new IllegalArgumentException("unknown shape " + shape + "; use llama-3.2-1b or tiny-llama");
        };
        b.weightType(GgmlType.valueOf(type));
        long t0 = System.nanoTime();
        RandomModels.write(b.build(), out);
        System.err.printf("wrote %s in %.1f s%n", out, (System.nanoTime() - t0) / 1e9);
    }
}
