package dev.sirocco.models.convert;

import dev.sirocco.models.ModelRequestException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The decoder-only families {@code convert} knows: a config (what distinguishes their GGUF from llama's as
 * llama.cpp's converter writes it: conversion/llama.py, qwen.py, gemma.py) and a per-layer name table
 * ({@link LayerTensor}). Mixtral is the llama family with experts (config.json's num_local_experts).
 */
public enum DecoderFamily {
    LLAMA("llama", true, true, 0f, null, List.of(LayerTensor.LLAMA_NORMS, LayerTensor.ATTENTION), Map.of(),
            "LlamaForCausalLM", "LLaMAForCausalLM", "MistralForCausalLM", "MixtralForCausalLM"),
    QWEN2("qwen2", false, false, 0f, null, List.of(LayerTensor.LLAMA_NORMS, LayerTensor.ATTENTION), Map.of(),
            "Qwen2ForCausalLM"),
    QWEN3("qwen3", false, false, 0f, null, List.of(LayerTensor.LLAMA_NORMS, LayerTensor.ATTENTION, LayerTensor.QK_NORMS),
            Map.of(), "Qwen3ForCausalLM"),
    /**
     * Gemma 3: norms stored as 1 + weight (Gemma3RMSNorm scales by 1 + w; llama.cpp's RMS norm by w), no space
     * prefix for its SentencePiece vocabulary; the defaults are Gemma3TextConfig's, which the script gets through
     * transformers' AutoConfig when a multimodal config's text_config leaves them out.
     */
    GEMMA3("gemma3", false, false, 1f, false,
            List.of(LayerTensor.GEMMA_NORMS, LayerTensor.ATTENTION, LayerTensor.QK_NORMS),
            Map.ofEntries(Map.entry("vocab_size", 262208), Map.entry("num_attention_heads", 8),
                    Map.entry("num_key_value_heads", 4), Map.entry("head_dim", 256), Map.entry("rms_norm_eps", 1e-6),
                    Map.entry("max_position_embeddings", 131072), Map.entry("rope_theta", 1_000_000.0),
                    Map.entry("rope_local_base_freq", 10_000.0), Map.entry("sliding_window", 4096),
                    Map.entry("tie_word_embeddings", true)),
            "Gemma3ForCausalLM", "Gemma3ForConditionalGeneration");

    private final String ggufName;
    private final boolean permuteQk;
    private final boolean writesVocabAndRopeDim;
    private final float normShift;
    private final Boolean addSpacePrefix;
    private final List<List<LayerTensor>> layerTables;
    private final Map<String, Object> configDefaults;
    private final String[] hfArchitectures;

    DecoderFamily(String ggufName, boolean permuteQk, boolean writesVocabAndRopeDim, float normShift, Boolean addSpacePrefix,
                  List<List<LayerTensor>> layerTables, Map<String, Object> configDefaults,
                  String... hfArchitectures) {
        this.ggufName = ggufName;
        this.permuteQk = permuteQk;
        this.writesVocabAndRopeDim = writesVocabAndRopeDim;
        this.normShift = normShift;
        this.addSpacePrefix = addSpacePrefix;
        this.layerTables = layerTables;
        this.configDefaults = configDefaults;
        this.hfArchitectures = hfArchitectures;
    }

    public String ggufName() {
        return ggufName;
    }

    /** Llama only: Qwen and Gemma checkpoints already use the NEOX rotation llama.cpp applies to them. */
    public boolean permuteQk() {
        return permuteQk;
    }

    /** Whether {@code vocab_size} and {@code rope.dimension_count} are written (LlamaModel does; the others do not). */
    public boolean writesVocabAndRopeDim() {
        return writesVocabAndRopeDim;
    }

    /** What is added to every {@code *norm.weight} (Gemma: 1). */
    public float normShift() {
        return normShift;
    }

    /** {@code tokenizer.ggml.add_space_prefix} for SentencePiece vocabularies, or null to leave it unwritten. */
    public Boolean addSpacePrefix() {
        return addSpacePrefix;
    }

    /** The per-layer tensors every checkpoint of the family has (the FFN, and Q/K/V biases where the checkpoint has them, come on top). */
    public List<List<LayerTensor>> layerTables() {
        return layerTables;
    }

    /** Whether the family may have Mixtral-style experts. */
    public boolean allowsExperts() {
        return this == LLAMA;
    }

    /** Values config.json may leave out, as the family's transformers config class defaults them. */
    public Map<String, Object> configDefaults() {
        return configDefaults;
    }

    /** The config.json architecture an exported checkpoint of this family names (Mixtral's when it has experts). */
    public String hfArchitecture(boolean experts) {
        return experts ? "MixtralForCausalLM" : hfArchitectures[0];
    }

    /** The family of a GGUF {@code general.architecture}. */
    public static DecoderFamily fromGguf(String architecture) {
        for (DecoderFamily f : values()) {
            if (f.ggufName.equals(architecture)) {
                return f;
            }
        }
        throw new ModelRequestException("general.architecture '" + architecture + "' cannot be exported; convert knows "
                + Arrays.stream(values()).map(DecoderFamily::ggufName).collect(Collectors.joining(", ")));
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
