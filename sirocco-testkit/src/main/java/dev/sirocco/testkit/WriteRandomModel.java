package dev.sirocco.testkit;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.testkit.tokenizer.VocabularyMetadata;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Command-line entry point that writes a random-weight model, for benchmarks and manual runs:
 * {@code WriteRandomModel SHAPE TYPE OUT.gguf} where SHAPE is {@code llama-3.2-1b} (dim 2048, 16 layers,
 * 32 heads, 8 KV heads, FFN 8192, the real Llama 3 vocabulary of 128,256 tokens, tied embeddings, llama3 RoPE)
 * or {@code tiny-llama}, and TYPE a ggml type (F16, Q8_0, Q4_0, Q4_K...) or {@code Q4_K_M} (Q4_K with
 * llama-quantize's Q6_K output and the Q6_K attn_v/ffn_down layers of its mix).
 */
public final class WriteRandomModel {
    private WriteRandomModel() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: WriteRandomModel llama-3.2-1b|tiny-llama F16|Q8_0|Q4_0|Q4_K_M|... OUT.gguf");
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
        if (type.equals("Q4_K_M")) {
            // llama-quantize's Q4_K_M mix for this shape: token_embd (tied output) Q6_K, and Q6_K for attn_v and
            // ffn_down on the layers use_more_bits picks; approximated here by the whole attn_v/ffn_down in Q6_K.
            b.weightType(GgmlType.Q4_K).type("token_embd", GgmlType.Q6_K).type("attn_v", GgmlType.Q6_K).type("ffn_down", GgmlType.Q6_K);
        } else {
            b.weightType(GgmlType.valueOf(type));
        }
        long t0 = System.nanoTime();
        RandomModels.write(b.build(), out);
        System.err.printf("wrote %s in %.1f s%n", out, (System.nanoTime() - t0) / 1e9);
    }
}
