package dev.sirocco.models.convert;

import dev.sirocco.models.ModelRequestException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The decoder-only families {@code convert} knows, with what distinguishes their GGUF from llama's as llama.cpp's
 * converter writes it (conversion/llama.py, conversion/qwen.py): the architecture name and key prefix, whether Q/K
 * rows are permuted for RoPE (llama only: Qwen checkpoints already use the NEOX layout llama.cpp applies to them),
 * whether {@code vocab_size} and {@code rope.dimension_count} are written, and per-head Q/K norms (Qwen 3).
 */
public enum DecoderFamily {
    LLAMA("llama", true, true, false, "LlamaForCausalLM", "LLaMAForCausalLM", "MistralForCausalLM"),
    QWEN2("qwen2", false, false, false, "Qwen2ForCausalLM"),
    QWEN3("qwen3", false, false, true, "Qwen3ForCausalLM");

    private final String ggufName;
    private final boolean permuteQk;
    private final boolean writesVocabAndRopeDim;
    private final boolean qkNorm;
    private final String[] hfArchitectures;

    DecoderFamily(String ggufName, boolean permuteQk, boolean writesVocabAndRopeDim, boolean qkNorm, String... hfArchitectures) {
        this.ggufName = ggufName;
        this.permuteQk = permuteQk;
        this.writesVocabAndRopeDim = writesVocabAndRopeDim;
        this.qkNorm = qkNorm;
        this.hfArchitectures = hfArchitectures;
    }

    public String ggufName() {
        return ggufName;
    }

    public boolean permuteQk() {
        return permuteQk;
    }

    public boolean writesVocabAndRopeDim() {
        return writesVocabAndRopeDim;
    }

    public boolean qkNorm() {
        return qkNorm;
    }

    /** The family of config.json's {@code architectures[0]}. */
    public static DecoderFamily of(String hfArchitecture) {
        for (DecoderFamily f : values()) {
            if (Arrays.asList(f.hfArchitectures).contains(hfArchitecture)) {
                return f;
            }
        }
        throw new ModelRequestException("config.json names architecture '" + hfArchitecture + "'; convert supports "
                + Arrays.stream(values()).flatMap(f -> Arrays.stream(f.hfArchitectures)).collect(Collectors.joining(", ")) + " so far");
    }
}
