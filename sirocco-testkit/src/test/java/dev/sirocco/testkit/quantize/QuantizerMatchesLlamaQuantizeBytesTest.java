package dev.sirocco.testkit.quantize;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.quantize.ModelQuantizer;
import dev.sirocco.engine.quantize.QuantType;
import dev.sirocco.engine.tensor.GgmlType;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Byte-for-byte against llama.cpp's own llama-quantize, which node-llama-cpp does not ship: runs only when
 * {@code -Dsirocco.llamaQuantize=<path to a llama-quantize binary>} is given (a manual check, not CI).
 * The random models of {@link QuantizerMatchesLlamaCppTest} and a few more; the two output files must be identical.
 */
class QuantizerMatchesLlamaQuantizeBytesTest {

    @TempDir
    static Path dir;

    /** The differential test's models, plus inputs that exercise fallbacks, F16/BF16 inputs and requantizing. */
    static final Map<String, Supplier<ModelSpec>> MODELS = Map.of(
            "llama3-tied", QuantizerMatchesLlamaCppTest.MODELS.get("llama3-tied"),
            "llama-untied", QuantizerMatchesLlamaCppTest.MODELS.get("llama-untied"),
            "mixtral8", QuantizerMatchesLlamaCppTest.MODELS.get("mixtral8"),
            // dim 64, ffn 128: no row fits a K-quant block, so every fallback runs (Q5_0, Q5_1, Q8_0).
            "llama-f16-narrow", () -> ModelSpec.tinyLlama().toBuilder().weightType(GgmlType.F16).build(),
            "qwen3-bf16", () -> ModelSpec.tinyQwen3().toBuilder().weightType(GgmlType.BF16).build(),
            "gemma3", ModelSpec::tinyGemma3,
            // Already Q8_0: decoded and re-encoded (llama-quantize needs --allow-requantize).
            "llama-q8_0-in", () -> ModelSpec.tinyLlama().toBuilder().dim(256).ffn(512).headDim(64)
                    .weightType(GgmlType.Q8_0).build());

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String model : MODELS.keySet().stream().sorted().toList()) {
            for (QuantType type : QuantType.values()) {
                all.add(Arguments.of(model, type));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void outputIsByteIdenticalToLlamaQuantize(String model, QuantType type) throws Exception {
        String binary = System.getProperty("sirocco.llamaQuantize");
        assumeTrue(binary != null && !binary.isBlank(), "set -Dsirocco.llamaQuantize to a llama-quantize binary");

        Path in = dir.resolve(model + "-f32.gguf");
        if (!Files.exists(in)) {
            RandomModels.write(MODELS.get(model).get(), in);
        }
        Path ours = dir.resolve(model + "-" + type.cliName() + "-sirocco.gguf");
        Path theirs = dir.resolve(model + "-" + type.cliName() + "-llama.gguf");
        ModelQuantizer.quantize(in, ours, type, 2, ModelQuantizer.Progress.NONE);
        Process p = new ProcessBuilder(binary, "--allow-requantize", in.toString(), theirs.toString(),
                type.name().toUpperCase(Locale.ROOT), "2")
                .redirectErrorStream(true).redirectOutput(dir.resolve("llama-quantize.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("llama-quantize finished").isTrue();
        assertThat(p.exitValue()).as("llama-quantize exit code; log: " + Files.readString(dir.resolve("llama-quantize.log")))
                .isZero();

        try (GgufFile a = GgufFile.open(ours); GgufFile b = GgufFile.open(theirs)) {
            assertThat(new ArrayList<>(a.metadata().keys())).isEqualTo(new ArrayList<>(b.metadata().keys()));
            List<GgufTensorInfo> ta = a.tensorInfos();
            List<GgufTensorInfo> tb = b.tensorInfos();
            assertThat(ta.stream().map(t -> t.name() + " " + t.type()).toList())
                    .isEqualTo(tb.stream().map(t -> t.name() + " " + t.type()).toList());
            for (GgufTensorInfo t : ta) {
                long at = a.tensor(t.name()).data().mismatch(b.tensor(t.name()).data());
                assertThat(at).as("first differing byte of %s (%s)", t.name(), t.type()).isEqualTo(-1L);
            }
        }
        long mismatch = Files.mismatch(ours, theirs);
        System.out.printf("%-13s %-7s %d bytes, identical to llama-quantize: %s%n", model, type.cliName(),
                Files.size(ours), mismatch == -1 ? "yes" : "no, first difference at byte " + mismatch);
        assertThat(mismatch).as("first differing byte of the whole file").isEqualTo(-1L);
    }
}
