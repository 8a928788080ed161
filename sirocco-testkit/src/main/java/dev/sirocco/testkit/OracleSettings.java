package dev.sirocco.testkit;

import java.nio.file.Path;
import java.util.List;

/**
 * How llama.cpp evaluates in {@link LlamaCppOracle#logits} and {@link LlamaCppOracle#greedy}.
 * {@link #EXACT} (the default) is as close to an F32 reference as llama.cpp gets: F32 K/V cache, flash attention
 * off (its defaults, F16 K/V and flash attention, move logits by ~2e-4 and can flip near-tie greedy tokens).
 *
 * @param kvType         the K and V cache type, as node-llama-cpp names ggml types: "F32", "F16", "Q8_0", ...
 * @param flashAttention use llama.cpp's flash attention kernel
 * @param lora           LoRA adapters (llama.cpp adapter GGUF files) applied to the context
 */
public record OracleSettings(String kvType, boolean flashAttention, List<Lora> lora) {

    public static final OracleSettings EXACT = new OracleSettings("F32", false, List.of());

    public OracleSettings {
        lora = List.copyOf(lora);
    }

    /** These settings with another K/V cache type (for instance "F16", llama.cpp's default). */
    public OracleSettings withKvType(String type) {
        return new OracleSettings(type, flashAttention, lora);
    }

    /** These settings with a LoRA adapter added. */
    public OracleSettings withLora(Path adapter, float scale) {
        List<Lora> all = new java.util.ArrayList<>(lora);
        all.add(new Lora(adapter, scale));
        return new OracleSettings(kvType, flashAttention, all);
    }

    /** A LoRA adapter file and the scale it is applied with. */
    public record Lora(Path path, float scale) {
    }
}
