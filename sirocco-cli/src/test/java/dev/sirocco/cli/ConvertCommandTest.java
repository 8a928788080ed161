package dev.sirocco.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.models.convert.SafetensorsDtype;
import dev.sirocco.models.convert.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static dev.sirocco.cli.CommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sirocco convert} on a tiny single-file checkpoint with a GPT-2-style byte-level tokenizer (256 byte tokens,
 * a few merges, BOS/EOS), then the result used by {@code logits}; bad input exits 2.
 */
class ConvertCommandTest {
    @TempDir
    Path tmp;

    @Test
    void convertedCheckpointRunsAndBadInputExitsTwo() throws Exception {
        Path dir = tmp.resolve("ckpt");
        Files.createDirectories(dir);
        int dim = 32;
        int ffn = 64;
        int vocab = 262;
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.putArray("architectures").add("LlamaForCausalLM");
        config.put("hidden_size", dim).put("num_hidden_layers", 1).put("num_attention_heads", 2)
                .put("num_key_value_heads", 1).put("intermediate_size", ffn).put("vocab_size", vocab)
                .put("max_position_embeddings", 256).put("rms_norm_eps", 1e-5).put("rope_theta", 10000.0);
        json.writeValue(dir.resolve("config.json").toFile(), config);
        writeTokenizer(json, dir);

        Random rnd = new Random(3);
        SafetensorsWriter w = new SafetensorsWriter();
        w.add("model.embed_tokens.weight", SafetensorsDtype.F32, new long[] {vocab, dim}, gaussian(rnd, vocab * dim));
        w.add("model.layers.0.input_layernorm.weight", SafetensorsDtype.F32, new long[] {dim}, ones(dim));
        w.add("model.layers.0.self_attn.q_proj.weight", SafetensorsDtype.BF16, new long[] {dim, dim}, gaussian(rnd, dim * dim));
        w.add("model.layers.0.self_attn.k_proj.weight", SafetensorsDtype.BF16, new long[] {dim / 2, dim}, gaussian(rnd, dim * dim / 2));
        w.add("model.layers.0.self_attn.v_proj.weight", SafetensorsDtype.BF16, new long[] {dim / 2, dim}, gaussian(rnd, dim * dim / 2));
        w.add("model.layers.0.self_attn.o_proj.weight", SafetensorsDtype.F16, new long[] {dim, dim}, gaussian(rnd, dim * dim));
        w.add("model.layers.0.post_attention_layernorm.weight", SafetensorsDtype.F32, new long[] {dim}, ones(dim));
        w.add("model.layers.0.mlp.gate_proj.weight", SafetensorsDtype.F16, new long[] {ffn, dim}, gaussian(rnd, ffn * dim));
        w.add("model.layers.0.mlp.up_proj.weight", SafetensorsDtype.F16, new long[] {ffn, dim}, gaussian(rnd, ffn * dim));
        w.add("model.layers.0.mlp.down_proj.weight", SafetensorsDtype.F16, new long[] {dim, ffn}, gaussian(rnd, ffn * dim));
        w.add("model.norm.weight", SafetensorsDtype.F32, new long[] {dim}, ones(dim));
        w.add("lm_head.weight", SafetensorsDtype.F32, new long[] {vocab, dim}, gaussian(rnd, vocab * dim));
        w.write(dir.resolve("model.safetensors"));

        Path out = tmp.resolve("tiny.gguf");
        CommandsTest.Result convert = run("convert", dir.toString(), "--out", out.toString(), "--type", "q8_0");
        assertThat(convert.exit()).as(convert.err()).isZero();
        assertThat(convert.out()).startsWith("converted ");
        assertThat(convert.err()).contains("blk.0.attn_q.weight").contains("Q8_0");

        CommandsTest.Result logits = run("logits", "--model", out.toString(), "--tokens", "260,72,105");
        assertThat(logits.exit()).as(logits.err()).isZero();
        JsonNode node = json.readTree(logits.out());
        assertThat(node.get("n_vocab").asInt()).isEqualTo(vocab);

        CommandsTest.Result tokens = run("tokenize", "--model", out.toString(), "--text", "Hi");
        assertThat(json.readTree(tokens.out()).get(0).asInt()).as("BOS from tokenizer_config").isEqualTo(260);

        assertThat(run("convert", tmp.resolve("nope").toString(), "--out", out.toString()).exit()).isEqualTo(2);
        CommandsTest.Result badType = run("convert", dir.toString(), "--out", out.toString(), "--type", "q3_k");
        assertThat(badType.exit()).isEqualTo(2);
        assertThat(badType.err().strip()).isEqualTo("sirocco: --type q3_k is not supported; use f32, f16, bf16, q8_0 or q4_k_m");

        // the reverse direction: the GGUF back to a checkpoint directory, which converts and runs again
        Path exported = tmp.resolve("exported");
        CommandsTest.Result export = run("convert", out.toString(), "--out", exported.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out()).startsWith("exported ");
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
            assertThat(exported.resolve(f)).exists();
        }
        Path again = tmp.resolve("again.gguf");
        assertThat(run("convert", exported.toString(), "--out", again.toString(), "--type", "q8_0").exit()).isZero();
        CommandsTest.Result againTokens = run("tokenize", "--model", again.toString(), "--text", "Hi");
        assertThat(againTokens.out()).isEqualTo(tokens.out());
        CommandsTest.Result badExport = run("convert", out.toString(), "--out", tmp.resolve("x").toString(), "--type", "q8_0");
        assertThat(badExport.exit()).isEqualTo(2);
        assertThat(badExport.err().strip()).isEqualTo("sirocco: --type q8_0 cannot be exported to safetensors; use f32, f16 or bf16");
    }

    /** GPT-2 byte-level BPE: the 256 byte symbols, two merges, then <|bos|> (260) and <|eos|> (261) as added tokens. */
    private static void writeTokenizer(ObjectMapper json, Path dir) throws Exception {
        ObjectNode tok = json.createObjectNode();
        ArrayNode added = tok.putArray("added_tokens");
        added.addObject().put("id", 260).put("content", "<|bos|>").put("special", true).put("normalized", false);
        added.addObject().put("id", 261).put("content", "<|eos|>").put("special", true).put("normalized", false);
        tok.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("use_regex", true);
        ObjectNode model = tok.putObject("model");
        model.put("type", "BPE");
        ObjectNode v = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            v.put(byteSymbol(b), b);
        }
        v.put("Hi", 256);
        v.put("\u0120t", 257);
        v.put("\u0120th", 258);
        v.put("he", 259);
        model.putArray("merges").add("H i").add("\u0120 t").add("\u0120t h").add("h e");
        json.writeValue(dir.resolve("tokenizer.json").toFile(), tok);
        ObjectNode cfg = json.createObjectNode();
        cfg.put("bos_token", "<|bos|>").put("eos_token", "<|eos|>").put("add_bos_token", true);
        json.writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
    }

    /** GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the others shift to 256 and up. */
    private static String byteSymbol(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) {
            return String.valueOf((char) b);
        }
        int shift = 0;
        for (int x = 0; x < b; x++) {
            boolean p = (x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF);
            if (!p) {
                shift++;
            }
        }
        return String.valueOf((char) (256 + shift));
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.2f * (float) rnd.nextGaussian();
        }
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
