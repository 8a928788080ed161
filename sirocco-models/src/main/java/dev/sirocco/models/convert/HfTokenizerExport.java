package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.gguf.GgufMetadata;
import dev.sirocco.models.ModelRequestException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tokenizer files of a GGUF's vocabulary, written so that {@link HfTokenizerMetadata} reads back the same
 * metadata: a byte-level BPE ({@code gpt2}) vocabulary as tokenizer.json (normal tokens in the vocab, control and
 * user-defined tokens as added tokens, the merges, the pre-tokenizer's split regex); a SentencePiece ({@code llama})
 * vocabulary as tokenizer.model (every token a piece with its score and type) with the user-defined tokens also in
 * tokenizer_config.json's added_tokens_decoder, as transformers lists them. tokenizer_config.json carries the special
 * token texts, add_bos/add_eos and the chat template; the special ids go into config.json ({@link #specialIds}).
 */
public final class HfTokenizerExport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] SPECIALS = {
            {"bos", "bos_token_id", "bos_token"}, {"eos", "eos_token_id", "eos_token"},
            {"unknown", "unk_token_id", "unk_token"}, {"seperator", "sep_token_id", "sep_token"},
            {"padding", "pad_token_id", "pad_token"}};

    private HfTokenizerExport() {
    }

    public static void write(GgufMetadata md, Path dir) throws IOException {
        String model = md.getString("tokenizer.ggml.model", "");
        String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
        int[] types = md.has("tokenizer.ggml.token_type") ? md.getIntArray("tokenizer.ggml.token_type") : null;
        if (types == null || types.length != tokens.length) {
            throw new ModelRequestException("the GGUF's tokenizer.ggml.token_type is missing or not one per token; its vocabulary cannot be exported");
        }
        ObjectNode config = JSON.createObjectNode();
        switch (model) {
            case "gpt2" -> writeByteLevel(md, tokens, types, dir);
            case "llama" -> writeSentencePiece(md, tokens, types, dir, config);
            default -> throw new ModelRequestException("tokenizer.ggml.model '" + model + "' cannot be exported (gpt2 and llama can)");
        }
        for (String[] s : SPECIALS) {
            String key = "tokenizer.ggml." + s[0] + "_token_id";
            if (md.has(key) && md.getInt(key) >= 0 && md.getInt(key) < tokens.length) {
                config.put(s[2], tokens[md.getInt(key)]);
            }
        }
        if (md.has("tokenizer.ggml.add_bos_token")) {
            config.put("add_bos_token", md.getBoolean("tokenizer.ggml.add_bos_token"));
        }
        if (md.has("tokenizer.ggml.add_eos_token")) {
            config.put("add_eos_token", md.getBoolean("tokenizer.ggml.add_eos_token"));
        }
        if (md.has("tokenizer.chat_template")) {
            config.put("chat_template", md.getString("tokenizer.chat_template"));
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
    }

    /** config.json's {@code *_token_id} from the GGUF's special token ids. */
    public static void specialIds(GgufMetadata md, ObjectNode config) {
        for (String[] s : SPECIALS) {
            String key = "tokenizer.ggml." + s[0] + "_token_id";
            if (md.has(key)) {
                config.put(s[1], md.getLong(key));
            }
        }
    }

    private static void writeByteLevel(GgufMetadata md, String[] tokens, int[] types, Path dir) throws IOException {
        String pre = md.getString("tokenizer.ggml.pre", "default");
        ObjectNode t = JSON.createObjectNode();
        t.put("version", "1.0");
        ArrayNode added = t.putArray("added_tokens");
        ObjectNode preTokenizer = t.putObject("pre_tokenizer");
        ObjectNode byteLevel = JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true);
        String regex = HfTokenizerMetadata.regexOf(pre);
        if (regex != null) {
            preTokenizer.put("type", "Sequence");
            ArrayNode steps = preTokenizer.putArray("pretokenizers");
            ObjectNode split = steps.addObject().put("type", "Split");
            split.putObject("pattern").put("Regex", regex);
            split.put("behavior", "Isolated").put("invert", false);
            steps.add(byteLevel.put("use_regex", false));
        } else if (pre.equals("gpt-2")) {
            preTokenizer.setAll(byteLevel.put("use_regex", true));
        } else {
            throw new ModelRequestException("tokenizer.ggml.pre '" + pre + "' has no tokenizer.json pre-tokenizer Sirocco knows"
                    + " (llama-bpe, qwen2, gpt-2); the vocabulary cannot be exported");
        }
        t.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode m = t.putObject("model");
        m.put("type", "BPE").putNull("dropout").putNull("unk_token").put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = m.putObject("vocab");
        for (int id = 0; id < tokens.length; id++) {
            switch (types[id]) {
                case HfTokenizerMetadata.CONTROL, HfTokenizerMetadata.USER_DEFINED -> added.addObject().put("id", id)
                        .put("content", tokens[id]).put("single_word", false).put("lstrip", false).put("rstrip", false)
                        .put("normalized", types[id] == HfTokenizerMetadata.USER_DEFINED)
                        .put("special", types[id] == HfTokenizerMetadata.CONTROL);
                // the converter pads the ids a tokenizer.json leaves out with these again
                case HfTokenizerMetadata.UNUSED -> {
                    if (!tokens[id].equals("[PAD" + id + "]")) {
                        vocab.put(tokens[id], id);
                    }
                }
                default -> vocab.put(tokens[id], id);
            }
        }
        ArrayNode merges = m.putArray("merges");
        if (md.has("tokenizer.ggml.merges")) {
            for (String merge : md.getStringArray("tokenizer.ggml.merges")) {
                merges.add(merge);
            }
        }
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), t);
    }

    private static void writeSentencePiece(GgufMetadata md, String[] tokens, int[] types, Path dir, ObjectNode config) throws IOException {
        if (!md.has("tokenizer.ggml.scores")) {
            throw new ModelRequestException("the GGUF's SentencePiece vocabulary has no tokenizer.ggml.scores; it cannot be exported");
        }
        float[] scores = md.getFloatArray("tokenizer.ggml.scores");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        for (int id = 0; id < tokens.length; id++) {
            int type = types[id] >= SentencePieceModelFile.NORMAL && types[id] <= SentencePieceModelFile.BYTE ? types[id] : SentencePieceModelFile.NORMAL;
            piece(out, tokens[id], scores[id], type);
            if (type == SentencePieceModelFile.USER_DEFINED) {
                decoder.putObject(Integer.toString(id)).put("content", tokens[id]).put("lstrip", false).put("normalized", false)
                        .put("rstrip", false).put("single_word", false).put("special", false);
            }
        }
        Files.write(dir.resolve("tokenizer.model"), out.toByteArray());
    }

    /** ModelProto field 1: SentencePiece {piece = 1, score = 2, type = 3}. */
    private static void piece(ByteArrayOutputStream out, String text, float score, int type) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        p.write(1 << 3 | 2);
        varint(p, utf8.length);
        p.writeBytes(utf8);
        p.write(2 << 3 | 5);
        p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(score).array());
        p.write(3 << 3);
        varint(p, type);
        out.write(1 << 3 | 2);
        varint(out, p.size());
        out.writeBytes(p.toByteArray());
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
