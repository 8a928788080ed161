package dev.sirocco.testkit.tokenizer;

import dev.sirocco.engine.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the {@code tokenizer.ggml.*} metadata of a GGUF file into a {@link Vocabulary}; enough for vocabulary-only
 * files such as llama.cpp's models/ggml-vocab-*.gguf test fixtures. Tensors are not read.
 */
public final class GgufVocabularyReader {
    private GgufVocabularyReader() {
    }

    public static Vocabulary read(Path file) throws IOException {
        Map<String, Object> kv = readMetadata(file);
        String[] tokens = (String[]) kv.get("tokenizer.ggml.tokens");
        Vocabulary.Builder b = Vocabulary.builder((String) kv.get("tokenizer.ggml.model"),
                (String) kv.get("tokenizer.ggml.pre"), tokens);
        Object scores = kv.get("tokenizer.ggml.scores");
        if (scores instanceof float[] f) {
            b.scores(f);
        } else if (scores instanceof int[] ints) {
            float[] f = new float[ints.length];
            for (int i = 0; i < ints.length; i++) {
                f[i] = ints[i];
            }
            b.scores(f);
        }
        if (kv.get("tokenizer.ggml.token_type") instanceof int[] types) {
            b.tokenTypes(types);
        }
        if (kv.get("tokenizer.ggml.merges") instanceof String[] merges) {
            b.merges(merges);
        }
        b.bos(id(kv, "bos_token_id")).eos(id(kv, "eos_token_id")).eot(id(kv, "eot_token_id"))
                .eom(id(kv, "eom_token_id")).unk(id(kv, "unknown_token_id")).sep(id(kv, "seperator_token_id"))
                .pad(id(kv, "padding_token_id")).mask(id(kv, "mask_token_id"))
                .fimPre(id(kv, "prefix_token_id", "fim_pre_token_id")).fimSuf(id(kv, "suffix_token_id", "fim_suf_token_id"))
                .fimMid(id(kv, "middle_token_id", "fim_mid_token_id"))
                .fimPad(id(kv, "fim_pad_token_id")).fimRep(id(kv, "fim_rep_token_id")).fimSep(id(kv, "fim_sep_token_id"))
                .addBos((Boolean) kv.get("tokenizer.ggml.add_bos_token"))
                .addEos((Boolean) kv.get("tokenizer.ggml.add_eos_token"))
                .addSep((Boolean) kv.get("tokenizer.ggml.add_sep_token"))
                .addSpacePrefix((Boolean) kv.get("tokenizer.ggml.add_space_prefix"))
                .removeExtraWhitespaces((Boolean) kv.get("tokenizer.ggml.remove_extra_whitespaces"))
                .generalName((String) kv.get("general.name"))
                .generalArchitecture((String) kv.get("general.architecture"))
                .normalizerLowercase((Boolean) kv.get("tokenizer.ggml.normalizer.lowercase"))
                .normalizerStripAccents((Boolean) kv.get("tokenizer.ggml.normalizer.strip_accents"))
                .precompiledCharsmap(kv.get("tokenizer.ggml.precompiled_charsmap") instanceof byte[] map ? map : null);
        return b.build();
    }

    /** The first of the keys present (a deprecated key first: llama.cpp reads it last, so it wins). */
    private static int id(Map<String, Object> kv, String... keys) {
        for (String key : keys) {
            if (kv.get("tokenizer.ggml." + key) instanceof Number n) {
                return n.intValue();
            }
        }
        return -1;
    }

    /** All metadata key/value pairs; arrays of numbers become primitive arrays, arrays of strings String[]. */
    public static Map<String, Object> readMetadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (buf.getInt() != 0x46554747) {
                throw new IOException(file + " is not a GGUF file");
            }
            int version = buf.getInt();
            if (version < 2) {
                throw new IOException("GGUF version " + version + " is not supported");
            }
            buf.getLong(); // tensor count
            long n = buf.getLong();
            Map<String, Object> kv = new HashMap<>();
            for (long i = 0; i < n; i++) {
                String key = string(buf);
                kv.put(key, value(buf, buf.getInt()));
            }
            return kv;
        }
    }

    private static String string(ByteBuffer buf) {
        int len = Math.toIntExact(buf.getLong());
        byte[] bytes = new byte[len];
        buf.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Object value(ByteBuffer buf, int type) throws IOException {
        return switch (type) {
            case 0 -> buf.get() & 0xFF;
            case 1 -> (int) buf.get();
            case 2 -> buf.getShort() & 0xFFFF;
            case 3 -> (int) buf.getShort();
            case 4 -> buf.getInt() & 0xFFFFFFFFL;
            case 5 -> buf.getInt();
            case 6 -> buf.getFloat();
            case 7 -> buf.get() != 0;
            case 8 -> string(buf);
            case 9 -> array(buf);
            case 10, 11 -> buf.getLong();
            case 12 -> buf.getDouble();
            default -> throw new IOException("unknown GGUF value type " + type);
        };
    }

    private static Object array(ByteBuffer buf) throws IOException {
        int type = buf.getInt();
        int n = Math.toIntExact(buf.getLong());
        switch (type) {
            case 8 -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = string(buf);
                }
                return a;
            }
            case 6 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = buf.getFloat();
                }
                return a;
            }
            case 0, 1 -> {
                byte[] a = new byte[n];
                buf.get(a);
                return a;
            }
            case 4, 5 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = buf.getInt();
                }
                return a;
            }
            default -> {
                Object[] a = new Object[n];
                for (int i = 0; i < n; i++) {
                    a[i] = value(buf, type);
                }
                return a;
            }
        }
    }
}
