package dev.sirocco.engine.quantize;

import dev.sirocco.engine.gguf.GgufMetadata;
import dev.sirocco.engine.gguf.GgufValueType;

/**
 * The hyperparameters llama.cpp's tensor type rules look at: architecture, layer count, expert count and
 * head counts (for n_gqa and the "70B" model type). Read from a GGUF file's metadata.
 */
public record ModelHparams(String arch, int nLayer, int nExpert, int nHead, int nHeadKv) {

    public ModelHparams {
        if (nLayer <= 0) {
            throw new IllegalArgumentException("n_layer must be positive, got " + nLayer);
        }
    }

    /** A dense model (no experts) with as many KV heads as query heads. */
    public static ModelHparams dense(String arch, int nLayer) {
        return new ModelHparams(arch, nLayer, 0, 1, 1);
    }

    /** llama_hparams::n_gqa(): query heads per KV head (layer 0), 0 when there are no KV heads. */
    public int nGqa() {
        return nHeadKv == 0 ? 0 : nHead / nHeadKv;
    }

    /**
     * Whether llama.cpp would call this model LLM_TYPE_70B, the one model type the rules read
     * (src/models/llama.cpp: 80 layers with grouped-query attention; qwen2, olmo, deci: 80 layers).
     */
    public boolean is70B() {
        return switch (arch) {
            case "llama" -> nLayer == 80 && nHead != nHeadKv;
            case "qwen2", "olmo", "deci" -> nLayer == 80;
            case "jais2" -> nLayer == 68;
            default -> false;
        };
    }

    /**
     * Reads {@code general.architecture}, {@code <arch>.block_count}, {@code <arch>.expert_count} and the
     * attention head counts (per-layer arrays are read at layer 0, as n_gqa() does).
     */
    public static ModelHparams of(GgufMetadata md) {
        String arch = md.getString("general.architecture");
        int nLayer = md.getInt(arch + ".block_count");
        int nExpert = md.getInt(arch + ".expert_count", 0);
        int nHead = firstInt(md, arch + ".attention.head_count", 1);
        int nHeadKv = firstInt(md, arch + ".attention.head_count_kv", nHead);
        return new ModelHparams(arch, nLayer, nExpert, nHead, nHeadKv);
    }

    private static int firstInt(GgufMetadata md, String key, int defaultValue) {
        if (!md.has(key)) {
            return defaultValue;
        }
        if (md.typeOf(key) == GgufValueType.ARRAY) {
            int[] a = md.getIntArray(key);
            return a.length == 0 ? defaultValue : a[0];
        }
        return md.getInt(key);
    }
}
