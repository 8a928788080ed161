package dev.sirocco.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sirocco.engine.tensor.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads a file written by llama.cpp's own Python writer (gguf-py; the script beside the fixture lists the
 * values it was given, which are the expectations here), so the reader is not only checked against our writer.
 */
class GgufPyFixtureTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    private Path fixture() throws IOException {
        Path file = dir.resolve("gguf-py-fixture.gguf");
        try (InputStream in = getClass().getResourceAsStream("gguf-py-fixture.gguf")) {
            assertThat(in).as("test resource gguf-py-fixture.gguf").isNotNull();
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void metadataWrittenByGgufPyReadsBackAsGiven() throws IOException {
        try (GgufFile g = GgufFile.open(fixture())) {
            GgufMetadata m = g.metadata();
            assertThat(g.version()).isEqualTo(3);
            assertThat(g.alignment()).isEqualTo(64);
            assertThat(m.keys()).startsWith("general.architecture", "general.alignment", "t.u8");
            assertThat(m.getString("general.architecture")).isEqualTo("llama");
            assertThat(m.get("t.u8")).isEqualTo((short) 250);
            assertThat(m.get("t.i8")).isEqualTo((byte) -100);
            assertThat(m.get("t.u16")).isEqualTo(65000);
            assertThat(m.get("t.i16")).isEqualTo((short) -32000);
            assertThat(m.get("t.u32")).isEqualTo(4_000_000_000L);
            assertThat(m.get("t.i32")).isEqualTo(-2_000_000_000);
            assertThat(m.get("t.f32")).isEqualTo(0.15625f);
            assertThat(m.get("t.u64")).isEqualTo(Long.parseUnsignedLong("18000000000000000000"));
            assertThat(m.get("t.i64")).isEqualTo(-9_000_000_000_000_000_000L);
            assertThat(m.get("t.f64")).isEqualTo(-2.5e-300);
            assertThat(m.get("t.bool")).isEqualTo(true);
            assertThat(m.get("t.str")).isEqualTo("héllo ▁wörld 🌍");
            assertThat(m.get("t.a.u8")).isEqualTo(new GgufArray(GgufValueType.UINT8, new short[] {0, 7, 255}));
            assertThat(m.get("t.a.i16")).isEqualTo(new GgufArray(GgufValueType.INT16, new short[] {-32768, 0, 32767}));
            assertThat(m.get("t.a.u32")).isEqualTo(new GgufArray(GgufValueType.UINT32, new long[] {0, 4294967295L}));
            assertThat(m.get("t.a.u64")).isEqualTo(new GgufArray(GgufValueType.UINT64, new long[] {1, -1}));
            assertThat(m.get("t.a.f64")).isEqualTo(new GgufArray(GgufValueType.FLOAT64, new double[] {0.5, -1.25}));
            assertThat(m.getIntArray("t.a.i32")).containsExactly(1, -2, 3);
            assertThat(m.getFloatArray("t.a.f32")).containsExactly(0.5f, -1.5f);
            assertThat(m.getBooleanArray("t.a.bool")).containsExactly(true, false, true);
            assertThat(m.getStringArray("t.a.str")).containsExactly("<s>", "▁a", "");
            assertThat(m.get("t.a.nested")).isEqualTo(new GgufArray(GgufValueType.ARRAY, new GgufArray[] {
                    new GgufArray(GgufValueType.INT32, new int[] {1, 2}),
                    new GgufArray(GgufValueType.STRING, new String[] {"x", "yz"})}));
        }
    }

    @Test
    void tensorsWrittenByGgufPyHaveTheirShapesTypesAndBytes() throws IOException {
        try (GgufFile g = GgufFile.open(fixture())) {
            assertThat(g.tensorInfos()).extracting(GgufTensorInfo::name).containsExactly("f32", "f16", "q8", "i32");
            for (GgufTensorInfo t : g.tensorInfos()) {
                assertThat(t.offset() % 64).as(t.name()).isZero();
            }
            // numpy shape (4, 3) is ggml shape [3, 4]: ggml lists the innermost dimension first.
            var f32 = g.tensor("f32");
            assertThat(f32.type()).isEqualTo(GgmlType.F32);
            assertThat(f32.shape()).containsExactly(3, 4);
            assertThat(f32.data().toArray(F32)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

            var f16 = g.tensor("f16");
            assertThat(f16.type()).isEqualTo(GgmlType.F16);
            assertThat(f16.shape()).containsExactly(2, 2);
            short[] halves = f16.data().toArray(F16);
            float[] values = new float[halves.length];
            for (int i = 0; i < halves.length; i++) {
                values[i] = Float.float16ToFloat(halves[i]);
            }
            assertThat(values).containsExactly(0.5f, -2f, 1f, 3f);

            var q8 = g.tensor("q8");
            assertThat(q8.type()).isEqualTo(GgmlType.Q8_0);
            assertThat(q8.shape()).containsExactly(32, 2);
            byte[] raw = q8.data().toArray(ValueLayout.JAVA_BYTE);
            assertThat(raw).hasSize(68);
            for (int i = 0; i < raw.length; i++) {
                assertThat(raw[i]).isEqualTo((byte) i);
            }

            var i32 = g.tensor("i32");
            assertThat(i32.type()).isEqualTo(GgmlType.I32);
            assertThat(i32.shape()).containsExactly(3);
            assertThat(i32.data().toArray(I32)).containsExactly(7, -8, 9);
        }
    }

    @Test
    void copyingTheFixtureThroughOurWriterKeepsEveryByte() throws IOException {
        Path copy = dir.resolve("copy.gguf");
        Path source = fixture();
        try (GgufFile g = GgufFile.open(source)) {
            GgufWriter w = new GgufWriter().putAll(g.metadata());
            for (GgufTensorInfo t : g.tensorInfos()) {
                w.addTensor(t.name(), t.type(), t.shape(), g.tensor(t.name()).data());
            }
            w.write(copy);
        }
        // Same layout rules as gguf-py (key order, alignment, padding after every tensor): identical bytes.
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(source));
    }
}
