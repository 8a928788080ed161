package dev.sirocco.testkit.quantize;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.quantize.ModelQuantizer;
import dev.sirocco.engine.quantize.PlannedTensor;
import dev.sirocco.engine.quantize.QuantType;
import dev.sirocco.engine.quantize.QuantizationPlan;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.Dequantizer;
import dev.sirocco.testkit.LlamaCppOracle;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our quantizer's output, judged by llama.cpp: random F32 models (rows a multiple of 256, so every K-quant
 * fits) are quantized by {@link ModelQuantizer} to each target, then (a) every tensor has the type the plan
 * gives it, with spot checks derived by hand from llama-quant.cpp, (b) llama.cpp loads the file and its
 * last-position logits agree with our engine's on the same file (cosine >= 0.999, same argmax), and (c) every
 * tensor's round-trip error is within test-quantize-fns' MAX_QUANTIZATION_TOTAL_ERROR (0.002).
 */
class QuantizerMatchesLlamaCppTest {

    /** test-quantize-fns: MAX_QUANTIZATION_TOTAL_ERROR, for every type this quantizer produces. */
    static final double MAX_TOTAL_ERROR = 0.002;
    /** test-quantize-fns' test size and its data's largest magnitude (0.1 + 2 cos(i + offset)). */
    static final int CHUNK = 32 * 128;
    static final double DATA_MAX = 2.1;

    @TempDir
    static Path dir;

    static final Map<String, Supplier<ModelSpec>> MODELS = Map.of(
            // Llama 3.2 style, tied embeddings, 8 layers: use_more_bits picks layers 0, 3, 6, 7.
            "llama3-tied", () -> ModelSpec.tinyLlama3().toBuilder().dim(256).ffn(512).headDim(64).layers(8).build(),
            // Llama 2 style with an untied output.
            "llama-untied", () -> ModelSpec.tinyLlama().toBuilder().dim(256).ffn(512).headDim(64).layers(3).build(),
            // Mixtral style with 8 experts, which turns on the n_expert == 8 rules.
            "mixtral8", () -> ModelSpec.tinyMixtral().toBuilder().experts(8, 2).dim(256).ffn(512).headDim(64).build(),
            // dim 64, ffn 128: no row fits a 256-element K-quant block, so the fallbacks run.
            "llama-narrow", ModelSpec::tinyLlama);

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String model : List.of("llama3-tied", "llama-untied", "mixtral8", "llama-narrow")) {
            for (QuantType type : QuantType.values()) {
                all.add(Arguments.of(model, type));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void quantizedModelLoadsInLlamaCppAndMatchesOurEngine(String model, QuantType type) throws Exception {
        Path in = dir.resolve(model + "-f32.gguf");
        if (!Files.exists(in)) {
            RandomModels.write(MODELS.get(model).get(), in);
        }
        Path out = dir.resolve(model + "-" + type.cliName() + ".gguf");
        ModelQuantizer.quantize(in, out, type, 2, ModelQuantizer.Progress.NONE);

        try (GgufFile src = GgufFile.open(in); GgufFile dst = GgufFile.open(out)) {
            // (a) the types the plan gives, in its order, and a few derived by hand.
            QuantizationPlan plan = ModelQuantizer.plan(src, type);
            List<PlannedTensor> planned = plan.tensors();
            List<GgufTensorInfo> written = dst.tensorInfos();
            assertThat(written).hasSameSizeAs(planned);
            for (int i = 0; i < planned.size(); i++) {
                assertThat(written.get(i).name()).isEqualTo(planned.get(i).name());
                assertThat(written.get(i).type()).as(written.get(i).name()).isEqualTo(planned.get(i).to());
            }
            spotCheck(model, type, dst);
            assertThat(dst.metadata().getInt("general.file_type")).isEqualTo(type.llamaFtype());

            // (c) round-trip error per tensor.
            double worst = 0;
            String worstName = "-";
            for (PlannedTensor p : planned) {
                if (!p.converts()) {
                    continue;
                }
                double err = worstChunkError(values(src.tensor(p.name())), values(dst.tensor(p.name())));
                assertThat(err).as("%s %s -> %s total quantization error", p.name(), p.from(), p.to())
                        .isLessThanOrEqualTo(MAX_TOTAL_ERROR);
                if (err > worst) {
                    worst = err;
                    worstName = p.name() + " " + p.to();
                }
            }
            System.out.printf("%-13s %-7s worst total quantization error %.6f (%s)%n", model, type.cliName(), worst, worstName);
        }

        // (b) llama.cpp loads it, and our engine computes the same logits from it.
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        int[] prompt = oracle.tokenize(out, "the people of the world made water", true, false);
        float[] expected = oracle.lastLogits(out, prompt);
        EngineOptions opts = EngineOptions.defaults().withThreads(2).withKvType(KvCache.Type.F32);
        try (Engine engine = Engine.load(out, opts)) {
            float[] actual = engine.newSession().evaluate(prompt).clone();
            assertThat(actual).hasSameSizeAs(expected);
            double cos = cosine(expected, actual);
            System.out.printf("%-13s %-7s cosine %.7f argmax %d/%d%n", model, type.cliName(), cos, argmax(expected), argmax(actual));
            assertThat(cos).as("cosine similarity with llama.cpp").isGreaterThanOrEqualTo(0.999);
            assertThat(argmax(actual)).as("argmax").isEqualTo(argmax(expected));
        }
    }

    /** Expectations read off llama-quant.cpp by hand for these small models. */
    private static void spotCheck(String model, QuantType type, GgufFile dst) {
        boolean kM = type == QuantType.Q4_K_M || type == QuantType.Q5_K_M;
        assertThat(dst.tensor("output_norm.weight").type()).isEqualTo(GgmlType.F32);
        assertThat(dst.tensor("blk.0.attn_norm.weight").type()).isEqualTo(GgmlType.F32);
        GgmlType head = type == QuantType.Q8_0 ? GgmlType.Q8_0 : GgmlType.Q6_K;
        switch (model) {
            case "llama3-tied" -> {
                assertThat(dst.hasTensor("output.weight")).isFalse();
                assertThat(dst.tensor("token_embd.weight").type()).isEqualTo(head);
                // 8 layers: n/8 = 1, 7n/8 = 7, so use_more_bits is true for 0, 7 and (i - 1) % 3 == 2: 3, 6.
                for (int i = 0; i < 8; i++) {
                    boolean more = i == 0 || i == 3 || i == 6 || i == 7;
                    GgmlType expected = kM && more ? GgmlType.Q6_K : type.defaultType();
                    assertThat(dst.tensor("blk." + i + ".attn_v.weight").type()).as("attn_v " + i).isEqualTo(expected);
                    assertThat(dst.tensor("blk." + i + ".ffn_down.weight").type()).as("ffn_down " + i).isEqualTo(expected);
                    assertThat(dst.tensor("blk." + i + ".attn_q.weight").type()).isEqualTo(type.defaultType());
                }
            }
            case "llama-untied" -> {
                assertThat(dst.tensor("output.weight").type()).isEqualTo(head);
                assertThat(dst.tensor("token_embd.weight").type()).isEqualTo(type.defaultType());
            }
            case "mixtral8" -> {
                assertThat(dst.tensor("blk.0.ffn_gate_inp.weight").type()).isEqualTo(GgmlType.F32);
                assertThat(dst.tensor("blk.1.attn_v.weight").type()).isEqualTo(GgmlType.Q8_0);
                assertThat(dst.tensor("blk.1.attn_k.weight").type()).isEqualTo(GgmlType.Q8_0);
                assertThat(dst.tensor("blk.1.attn_output.weight").type())
                        .isEqualTo(type == QuantType.Q4_K_M ? GgmlType.Q5_K : type.defaultType());
                // 2 layers: use_more_bits(0, 2) is false, use_more_bits(1, 2) is true (1 >= 7*2/8).
                assertThat(dst.tensor("blk.0.ffn_down_exps.weight").type()).isEqualTo(type.defaultType());
                assertThat(dst.tensor("blk.1.ffn_down_exps.weight").type()).isEqualTo(kM ? GgmlType.Q6_K : type.defaultType());
            }
            case "llama-narrow" -> {
                // tensor_type_fallback for 64-wide rows: Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0; 32-blocks stay.
                GgmlType narrow = switch (type) {
                    case Q4_K_M -> GgmlType.Q5_0;
                    case Q5_K_M -> GgmlType.Q5_1;
                    case Q6_K, Q8_0 -> GgmlType.Q8_0;
                    case Q4_0 -> GgmlType.Q4_0;
                };
                assertThat(dst.tensor("blk.0.attn_q.weight").type()).isEqualTo(narrow);
                // The output's Q6_K (any target but Q8_0) does not fit 64 either: Q8_0.
                assertThat(dst.tensor("output.weight").type()).isEqualTo(GgmlType.Q8_0);
                // Layer 1 of 2 gets more bits under the _M mixes: Q6_K, which falls back to Q8_0.
                assertThat(dst.tensor("blk.1.attn_v.weight").type()).isEqualTo(kM ? GgmlType.Q8_0 : narrow);
            }
            default -> throw new AssertionError(model);
        }
    }

    private static float[] values(Tensor t) {
        float[] v = new float[Math.toIntExact(t.elementCount())];
        Dequantizer.dequantize(t.type(), t.data(), 0, v, 0, v.length);
        return v;
    }

    /**
     * test-quantize-fns' total error, sqrt(sum (x - y)^2) / n over 4096 elements, on each 4096-element chunk
     * after scaling it so its largest magnitude is that of the test's data (2.1): the threshold then means
     * what it means there, whatever the scale of our random weights. Returns the worst chunk.
     */
    static double worstChunkError(float[] original, float[] roundTrip) {
        double worst = 0;
        for (int from = 0; from < original.length; from += CHUNK) {
            int to = Math.min(original.length, from + CHUNK);
            double max = 0;
            for (int i = from; i < to; i++) {
                max = Math.max(max, Math.abs(original[i]));
            }
            if (max == 0) {
                continue;
            }
            double scale = DATA_MAX / max;
            double sum = 0;
            for (int i = from; i < to; i++) {
                double d = (original[i] - roundTrip[i]) * scale;
                sum += d * d;
            }
            // A short last chunk is judged as if padded with exact zeros to the full 4096.
            worst = Math.max(worst, Math.sqrt(sum) / CHUNK);
        }
        return worst;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
