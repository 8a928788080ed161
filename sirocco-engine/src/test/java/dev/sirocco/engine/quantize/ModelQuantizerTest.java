package dev.sirocco.engine.quantize;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufFormatException;
import dev.sirocco.engine.gguf.GgufMetadata;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.Dequantizer;
import dev.sirocco.engine.tensor.quant.Quantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ModelQuantizer on a small F32 llama-shaped file: types, bytes, order, metadata and errors. */
class ModelQuantizerTest {

    @TempDir
    Path dir;

    /** Tensor name -> shape of a 2-layer model with 256-wide rows (K-quants fit) and an 80-wide one (they do not). */
    private static Map<String, long[]> shapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("token_embd.weight", new long[] {256, 40});
        m.put("output_norm.weight", new long[] {256});
        for (int i = 0; i < 2; i++) {
            String b = "blk." + i + ".";
            m.put(b + "attn_norm.weight", new long[] {256});
            m.put(b + "attn_q.weight", new long[] {256, 256});
            m.put(b + "attn_v.weight", new long[] {256, 64});
            m.put(b + "ffn_up.weight", new long[] {256, 80});
            m.put(b + "ffn_down.weight", new long[] {80, 256}); // 80: not a multiple of 256 (nor of 32 -> F16)
        }
        return m;
    }

    private Path writeF32Model(long seed) throws IOException {
        Random rnd = new Random(seed);
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "llama");
        w.putU32("general.file_type", 0);
        w.putU32("llama.block_count", 2);
        w.putString("general.name", "tiny");
        w.putU32("llama.attention.head_count", 4);
        w.putU32("llama.attention.head_count_kv", 1);
        for (Map.Entry<String, long[]> e : shapes().entrySet()) {
            long n = Tensor.elementCount(e.getValue());
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * 0.5);
            }
            MemorySegment seg = Arena.ofAuto().allocate(n * 4);
            MemorySegment.copy(v, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, v.length);
            w.addTensor(e.getKey(), GgmlType.F32, e.getValue(), seg);
        }
        Path p = dir.resolve("in-" + seed + ".gguf");
        w.write(p);
        return p;
    }

    @ParameterizedTest
    @EnumSource(QuantType.class)
    void outputFollowsThePlanAndEncodesEveryRowAsTheQuantizerDoes(QuantType type) throws IOException {
        Path in = writeF32Model(7);
        Path out = dir.resolve("out.gguf");
        List<String> progress = new ArrayList<>();
        // Slabs of 300 bytes: a few rows each, so slab boundaries fall inside tensors.
        QuantizeResult r = ModelQuantizer.quantize(in, out, type, 3, (i, n, t) -> progress.add(t.name()), 300);

        try (GgufFile src = GgufFile.open(in); GgufFile dst = GgufFile.open(out)) {
            QuantizationPlan plan = ModelQuantizer.plan(src, type);
            List<String> written = dst.tensorInfos().stream().map(GgufTensorInfo::name).toList();
            assertThat(written).isEqualTo(plan.tensors().stream().map(PlannedTensor::name).toList());
            assertThat(progress).isEqualTo(written);
            for (PlannedTensor p : plan.tensors()) {
                Tensor a = src.tensor(p.name());
                Tensor b = dst.tensor(p.name());
                assertThat(b.type()).as(p.name()).isEqualTo(p.to());
                assertThat(b.shape()).isEqualTo(a.shape());
                // The reference: the whole tensor decoded and encoded in one call on one thread.
                float[] values = new float[(int) a.elementCount()];
                Dequantizer.dequantize(a.type(), a.data(), 0, values, 0, values.length);
                MemorySegment expected = Arena.ofAuto().allocate(p.to().bytesFor(values.length));
                Quantizer.quantize(p.to(), values, 0, values.length, expected, 0);
                assertThat(b.data().mismatch(expected)).as(p.name()).isEqualTo(-1L);
            }
            assertThat(r.tensorBytesBefore()).isEqualTo(src.tensorInfos().stream().mapToLong(GgufTensorInfo::byteSize).sum());
            assertThat(r.tensorBytesAfter()).isEqualTo(dst.tensorInfos().stream().mapToLong(GgufTensorInfo::byteSize).sum());
        }
    }

    @Test
    void q4KMPlanOnTheTinyModelIsAsDerivedByHand() throws IOException {
        Path in = writeF32Model(1);
        try (GgufFile src = GgufFile.open(in)) {
            QuantizationPlan plan = ModelQuantizer.plan(src, QuantType.Q4_K_M);
            // 2 layers: n/8 = 0 and 7n/8 = 1, so use_more_bits is true for layer 1 only ((0 - 0) % 3 != 2).
            assertThat(plan.typeOf("blk.0.attn_v.weight")).isEqualTo(GgmlType.Q4_K);
            assertThat(plan.typeOf("blk.1.attn_v.weight")).isEqualTo(GgmlType.Q6_K);
            assertThat(plan.typeOf("blk.0.ffn_down.weight")).isEqualTo(GgmlType.F16);   // Q4_K -> Q5_0 -> 80 % 32 != 0
            assertThat(plan.typeOf("blk.1.ffn_down.weight")).isEqualTo(GgmlType.F16);   // Q6_K -> Q8_0 -> F16
            assertThat(plan.typeOf("token_embd.weight")).isEqualTo(GgmlType.Q6_K);     // tied
            assertThat(plan.typeOf("output_norm.weight")).isEqualTo(GgmlType.F32);
        }
    }

    @Test
    void metadataIsCopiedWithFileTypeAndQuantizationVersionAppended() throws IOException {
        Path in = writeF32Model(2);
        Path out = dir.resolve("q.gguf");
        ModelQuantizer.quantize(in, out, QuantType.Q5_K_M, 1, ModelQuantizer.Progress.NONE);
        try (GgufFile src = GgufFile.open(in); GgufFile dst = GgufFile.open(out)) {
            GgufMetadata a = src.metadata();
            GgufMetadata b = dst.metadata();
            List<String> keys = new ArrayList<>(b.keys());
            assertThat(keys.subList(keys.size() - 2, keys.size()))
                    .containsExactly("general.quantization_version", "general.file_type");
            assertThat(b.getInt("general.file_type")).isEqualTo(17);
            assertThat(b.getInt("general.quantization_version")).isEqualTo(2);
            for (String k : a.keys()) {
                if (!k.equals("general.file_type")) {
                    assertThat(b.get(k)).as(k).isEqualTo(a.get(k));
                }
            }
            assertThat(b.size()).isEqualTo(a.size() + 1);
        }
    }

    @Test
    void missingOutputDirectoryIsReported() throws IOException {
        Path in = writeF32Model(3);
        assertThatThrownBy(() -> ModelQuantizer.quantize(in, dir.resolve("nope/out.gguf"), QuantType.Q8_0, 1,
                ModelQuantizer.Progress.NONE))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("nope");
    }

    @Test
    void inputThatIsNotGgufIsRejected() throws IOException {
        Path in = dir.resolve("junk.gguf");
        Files.writeString(in, "this is not a model, just some text long enough to read a header from");
        assertThatThrownBy(() -> ModelQuantizer.quantize(in, dir.resolve("o.gguf"), QuantType.Q8_0, 1,
                ModelQuantizer.Progress.NONE))
                .isInstanceOf(GgufFormatException.class);
        assertThat(dir.resolve("o.gguf")).doesNotExist();
    }

    @Test
    void overwritingTheInputIsRefused() throws IOException {
        Path in = writeF32Model(4);
        assertThatThrownBy(() -> ModelQuantizer.quantize(in, in, QuantType.Q8_0, 1, ModelQuantizer.Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
