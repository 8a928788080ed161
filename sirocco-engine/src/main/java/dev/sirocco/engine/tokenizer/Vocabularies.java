package dev.sirocco.engine.tokenizer;

import dev.sirocco.engine.gguf.GgufMetadata;

/** Reads a {@link Vocabulary} from GGUF metadata ({@code tokenizer.ggml.*}, key names from llama.cpp's llama-arch.cpp). */
public final class Vocabularies {
    private Vocabularies() {
    }

    private static final String P = "tokenizer.ggml.";

    public static Vocabulary fromMetadata(GgufMetadata md) {
        if (!md.has(P + "model") || !md.has(P + "tokens")) {
            throw new IllegalArgumentException("the model file has no vocabulary (tokenizer.ggml.model and tokenizer.ggml.tokens are required)");
        }
        Vocabulary.Builder b = Vocabulary.builder(md.getString(P + "model"), md.getString(P + "pre", null), md.getStringArray(P + "tokens"));
        if (md.has(P + "scores")) {
            b.scores(md.getFloatArray(P + "scores"));
        }
        if (md.has(P + "token_type")) {
            b.tokenTypes(md.getIntArray(P + "token_type"));
        }
        if (md.has(P + "merges")) {
            b.merges(md.getStringArray(P + "merges"));
        }
        b.bos(id(md, "bos_token_id")).eos(id(md, "eos_token_id")).eot(id(md, "eot_token_id")).eom(id(md, "eom_token_id"))
                .unk(id(md, "unknown_token_id")).sep(id(md, "seperator_token_id")).pad(id(md, "padding_token_id"))
                .mask(id(md, "mask_token_id"))
                .fimPre(id(md, "fim_pre_token_id", "prefix_token_id")).fimSuf(id(md, "fim_suf_token_id", "suffix_token_id"))
                .fimMid(id(md, "fim_mid_token_id", "middle_token_id")).fimPad(id(md, "fim_pad_token_id"))
                .fimRep(id(md, "fim_rep_token_id")).fimSep(id(md, "fim_sep_token_id"))
                .addBos(flag(md, "add_bos_token")).addEos(flag(md, "add_eos_token")).addSep(flag(md, "add_sep_token"))
                .addSpacePrefix(flag(md, "add_space_prefix")).removeExtraWhitespaces(flag(md, "remove_extra_whitespaces"));
        return b.build();
    }

    private static int id(GgufMetadata md, String... keys) {
        for (String k : keys) {
            if (md.has(P + k)) {
                return md.getInt(P + k);
            }
        }
        return -1;
    }

    private static Boolean flag(GgufMetadata md, String key) {
        return md.has(P + key) ? md.getBoolean(P + key) : null;
    }
}
