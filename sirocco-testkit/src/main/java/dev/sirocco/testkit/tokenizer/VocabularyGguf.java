package dev.sirocco.testkit.tokenizer;

import dev.sirocco.engine.tokenizer.Vocabulary;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a vocabulary-only GGUF (no tensors; placeholder llama hyperparameters) that llama.cpp can load with
 * {@code vocab_only}, like its own models/ggml-vocab-*.gguf fixtures, so its tokenizer can be run on a vocabulary
 * converted here. A stand-in until the engine's GGUF writer is available to tests. The architecture written is
 * always "llama", whatever {@code generalArchitecture} says.
 */
public final class VocabularyGguf {
    private static final int ALIGNMENT = 32;

    private VocabularyGguf() {
    }

    public static void write(Vocabulary v, Path file) throws IOException {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("general.architecture", "llama");
        kv.put("general.name", v.generalName() == null ? "sirocco-vocab" : v.generalName());
        kv.put("llama.block_count", new U32(1));
        kv.put("llama.context_length", new U32(2048));
        kv.put("llama.embedding_length", new U32(64));
        kv.put("llama.feed_forward_length", new U32(128));
        kv.put("llama.attention.head_count", new U32(1));
        kv.put("llama.attention.head_count_kv", new U32(1));
        kv.put("llama.rope.dimension_count", new U32(64));
        kv.put("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        kv.put("llama.vocab_size", new U32(v.size()));
        kv.put("tokenizer.ggml.model", v.model());
        if (v.pre() != null) {
            kv.put("tokenizer.ggml.pre", v.pre());
        }
        kv.put("tokenizer.ggml.tokens", v.tokens());
        if (v.scores() != null) {
            kv.put("tokenizer.ggml.scores", v.scores());
        }
        if (v.tokenTypes() != null) {
            kv.put("tokenizer.ggml.token_type", v.tokenTypes());
        }
        if (v.merges() != null) {
            kv.put("tokenizer.ggml.merges", v.merges());
        }
        putId(kv, "bos_token_id", v.bos());
        putId(kv, "eos_token_id", v.eos());
        putId(kv, "eot_token_id", v.eot());
        putId(kv, "eom_token_id", v.eom());
        putId(kv, "unknown_token_id", v.unk());
        putId(kv, "seperator_token_id", v.sep());
        putId(kv, "padding_token_id", v.pad());
        putId(kv, "mask_token_id", v.mask());
        putFlag(kv, "add_bos_token", v.addBos());
        putFlag(kv, "add_eos_token", v.addEos());
        putFlag(kv, "add_sep_token", v.addSep());
        putFlag(kv, "add_space_prefix", v.addSpacePrefix());
        putFlag(kv, "remove_extra_whitespaces", v.removeExtraWhitespaces());
        putFlag(kv, "normalizer.lowercase", v.normalizerLowercase());
        putFlag(kv, "normalizer.strip_accents", v.normalizerStripAccents());
        if (v.precompiledCharsmap() != null) {
            kv.put("tokenizer.ggml.precompiled_charsmap", v.precompiledCharsmap());
        }

        try (OutputStream os = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
            Le le = new Le(out);
            out.write("GGUF".getBytes(StandardCharsets.US_ASCII));
            le.u32(3);
            le.u64(0);
            le.u64(kv.size());
            for (Map.Entry<String, Object> e : kv.entrySet()) {
                le.string(e.getKey());
                le.value(e.getValue());
            }
            long pad = (ALIGNMENT - out.size() % ALIGNMENT) % ALIGNMENT;
            for (long i = 0; i < pad; i++) {
                out.write(0);
            }
        }
    }

    private record U32(long value) {
    }

    private static void putId(Map<String, Object> kv, String key, int id) {
        if (id >= 0) {
            kv.put("tokenizer.ggml." + key, new U32(id));
        }
    }

    private static void putFlag(Map<String, Object> kv, String key, Boolean flag) {
        if (flag != null) {
            kv.put("tokenizer.ggml." + key, flag);
        }
    }

    /** Little-endian GGUF value writer. */
    private record Le(DataOutputStream out) {
        void u32(long v) throws IOException {
            out.writeInt(Integer.reverseBytes((int) v));
        }

        void u64(long v) throws IOException {
            out.writeLong(Long.reverseBytes(v));
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            out.write(b);
        }

        void value(Object v) throws IOException {
            switch (v) {
                case String s -> { u32(8); string(s); }
                case U32 u -> { u32(4); u32(u.value()); }
                case Float f -> { u32(6); out.writeInt(Integer.reverseBytes(Float.floatToRawIntBits(f))); }
                case Boolean b -> { u32(7); out.writeByte(b ? 1 : 0); }
                case String[] a -> {
                    u32(9); u32(8); u64(a.length);
                    for (String s : a) {
                        string(s);
                    }
                }
                case float[] a -> {
                    u32(9); u32(6); u64(a.length);
                    for (float f : a) {
                        out.writeInt(Integer.reverseBytes(Float.floatToRawIntBits(f)));
                    }
                }
                case byte[] a -> {
                    u32(9); u32(0); u64(a.length);
                    out.write(a);
                }
                case int[] a -> {
                    u32(9); u32(5); u64(a.length);
                    for (int i : a) {
                        out.writeInt(Integer.reverseBytes(i));
                    }
                }
                default -> throw new IllegalArgumentException("no GGUF encoding for " + v.getClass());
            }
        }
    }
}
