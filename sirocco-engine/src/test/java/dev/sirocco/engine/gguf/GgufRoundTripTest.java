package dev.sirocco.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GgufRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void everyScalarTypeRoundTripsWithItsEdgeValues() throws IOException {
        Path file = dir.resolve("scalars.gguf");
        new GgufWriter()
                .putU8("u8", 255).putI8("i8", -128)
                .putU16("u16", 65535).putI16("i16", -32768)
                .putU32("u32", 0xFFFF_FFFFL).putI32("i32", Integer.MIN_VALUE)
                .putU64("u64", -1L).putI64("i64", Long.MIN_VALUE)
                .putF32("f32", -0.0f).putF64("f64", Math.PI)
                .putBool("yes", true).putBool("no", false)
                .putString("str", "héllo 🌍 \u0000 end").putString("empty", "")
                .write(file);
        try (GgufFile g = GgufFile.open(file)) {
            GgufMetadata m = g.metadata();
            assertThat(m.keys()).containsExactly("u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64",
                    "f32", "f64", "yes", "no", "str", "empty");
            assertThat(m.get("u8")).isEqualTo((short) 255);
            assertThat(m.get("i8")).isEqualTo((byte) -128);
            assertThat(m.get("u16")).isEqualTo(65535);
            assertThat(m.get("i16")).isEqualTo((short) -32768);
            assertThat(m.get("u32")).isEqualTo(0xFFFF_FFFFL);
            assertThat(m.get("i32")).isEqualTo(Integer.MIN_VALUE);
            assertThat(m.get("u64")).isEqualTo(-1L);
            assertThat(m.get("i64")).isEqualTo(Long.MIN_VALUE);
            assertThat(Float.floatToRawIntBits((Float) m.get("f32"))).isEqualTo(Float.floatToRawIntBits(-0.0f));
            assertThat(m.get("f64")).isEqualTo(Math.PI);
            assertThat(m.get("yes")).isEqualTo(true);
            assertThat(m.get("no")).isEqualTo(false);
            assertThat(m.get("str")).isEqualTo("héllo 🌍 \u0000 end");
            assertThat(m.get("empty")).isEqualTo("");
            assertThat(m.typeOf("u8")).isEqualTo(GgufValueType.UINT8);
            assertThat(m.typeOf("u64")).isEqualTo(GgufValueType.UINT64);
            assertThat(m.typeOf("str")).isEqualTo(GgufValueType.STRING);
            assertThat(g.version()).isEqualTo(3);
            assertThat(g.tensorInfos()).isEmpty();
            assertThat(g.fileSize()).isEqualTo(Files.size(file));
        }
    }

    @Test
    void writerLaysOutBytesAsTheSpecSays() throws IOException {
        // Expected bytes built by hand from the GGUF spec: header, one kv, one tensor info, padding, data.
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(1).putLong(1);
        b.putLong(1).put((byte) 'a').putInt(4).putInt(7);                   // kv "a" = UINT32 7
        b.putLong(1).put((byte) 't').putInt(2).putLong(3).putLong(1).putInt(0).putLong(0); // tensor "t" F32 [3, 1] @0
        int header = b.position();
        int dataStart = (header + 31) / 32 * 32;
        b.position(dataStart).putFloat(1f).putFloat(2f).putFloat(-3f);
        int end = dataStart + 32; // the last tensor is padded too, as llama.cpp writes it
        byte[] expected = new byte[end];
        b.flip();
        b.get(expected, 0, Math.min(b.limit(), end));

        Path file = dir.resolve("tiny.gguf");
        new GgufWriter().putU32("a", 7)
                .addTensor("t", GgmlType.F32, new long[] {3, 1}, MemorySegment.ofArray(new float[] {1f, 2f, -3f}))
                .write(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.dataOffset()).isEqualTo(dataStart);
            assertThat(g.tensorInfos()).containsExactly(
                    new GgufTensorInfo("t", GgmlType.F32, new long[] {3, 1}, dataStart, 12));
        }
    }

    @Test
    void arraysOfEveryElementTypeRoundTrip() throws IOException {
        Random r = new Random(42);
        Map<String, GgufArray> arrays = new LinkedHashMap<>();
        for (int len : new int[] {0, 1, 7}) {
            short[] u8 = new short[len];
            byte[] i8 = new byte[len];
            int[] u16 = new int[len];
            short[] i16 = new short[len];
            long[] u32 = new long[len];
            int[] i32 = new int[len];
            long[] u64 = new long[len];
            long[] i64 = new long[len];
            float[] f32 = new float[len];
            double[] f64 = new double[len];
            boolean[] bools = new boolean[len];
            String[] strings = new String[len];
            for (int i = 0; i < len; i++) {
                u8[i] = (short) r.nextInt(256);
                i8[i] = (byte) r.nextInt();
                u16[i] = r.nextInt(65536);
                i16[i] = (short) r.nextInt();
                u32[i] = r.nextLong() >>> 32;
                i32[i] = r.nextInt();
                u64[i] = r.nextLong();
                i64[i] = r.nextLong();
                f32[i] = (float) r.nextGaussian();
                f64[i] = r.nextGaussian();
                bools[i] = r.nextBoolean();
                strings[i] = i % 3 == 0 ? "" : "tok" + r.nextInt(1000) + (i % 2 == 0 ? "ü" : "▁");
            }
            arrays.put("u8." + len, new GgufArray(GgufValueType.UINT8, u8));
            arrays.put("i8." + len, new GgufArray(GgufValueType.INT8, i8));
            arrays.put("u16." + len, new GgufArray(GgufValueType.UINT16, u16));
            arrays.put("i16." + len, new GgufArray(GgufValueType.INT16, i16));
            arrays.put("u32." + len, new GgufArray(GgufValueType.UINT32, u32));
            arrays.put("i32." + len, new GgufArray(GgufValueType.INT32, i32));
            arrays.put("u64." + len, new GgufArray(GgufValueType.UINT64, u64));
            arrays.put("i64." + len, new GgufArray(GgufValueType.INT64, i64));
            arrays.put("f32." + len, new GgufArray(GgufValueType.FLOAT32, f32));
            arrays.put("f64." + len, new GgufArray(GgufValueType.FLOAT64, f64));
            arrays.put("bool." + len, new GgufArray(GgufValueType.BOOL, bools));
            arrays.put("str." + len, new GgufArray(GgufValueType.STRING, strings));
        }
        GgufArray inner1 = new GgufArray(GgufValueType.STRING, new String[] {"a", "bc"});
        GgufArray inner2 = new GgufArray(GgufValueType.INT32, new int[] {1, -2, 3});
        GgufArray empty = new GgufArray(GgufValueType.FLOAT32, new float[0]);
        GgufArray level2 = new GgufArray(GgufValueType.ARRAY, new GgufArray[] {inner1, inner2, empty});
        arrays.put("nested", level2);
        arrays.put("nested2", new GgufArray(GgufValueType.ARRAY, new GgufArray[] {level2, inner2}));

        GgufWriter w = new GgufWriter();
        arrays.forEach(w::putArray);
        Path file = dir.resolve("arrays.gguf");
        w.write(file);
        try (GgufFile g = GgufFile.open(file)) {
            GgufMetadata m = g.metadata();
            assertThat(m.keys()).containsExactlyElementsOf(arrays.keySet());
            arrays.forEach((k, v) -> {
                assertThat(m.typeOf(k)).as(k).isEqualTo(GgufValueType.ARRAY);
                assertThat(m.get(k)).as(k).isEqualTo(v);
            });
        }
    }

    @Test
    void typedGettersConvertAcrossIntegerTypesAndNameKeyAndTypesOnMismatch() throws IOException {
        Path file = dir.resolve("typed.gguf");
        new GgufWriter().putU8("u8", 200).putU32("big", 4_000_000_000L).putI64("neg", -5).putU64("huge", -1L)
                .putF64("f64", 0.5).putString("s", "x").putBool("b", true)
                .putArray("u8s", new GgufArray(GgufValueType.UINT8, new short[] {0, 255}))
                .putU32Array("u32s", new long[] {1, 4_000_000_000L})
                .putI32Array("types", new int[] {1, 3, 6})
                .putF32Array("scores", new float[] {-1.5f, 2f})
                .putStringArray("tokens", new String[] {"<s>", "▁a"})
                .putBoolArray("bools", new boolean[] {true, false})
                .write(file);
        try (GgufFile g = GgufFile.open(file)) {
            GgufMetadata m = g.metadata();
            assertThat(m.getInt("u8")).isEqualTo(200);
            assertThat(m.getLong("big")).isEqualTo(4_000_000_000L);
            assertThat(m.getLong("neg")).isEqualTo(-5);
            assertThat(m.getFloat("u8")).isEqualTo(200f);
            assertThat(m.getFloat("f64")).isEqualTo(0.5f);
            assertThat(m.getString("s")).isEqualTo("x");
            assertThat(m.getBoolean("b")).isTrue();
            assertThat(m.getIntArray("u8s")).containsExactly(0, 255);
            assertThat(m.getIntArray("types")).containsExactly(1, 3, 6);
            assertThat(m.getFloatArray("scores")).containsExactly(-1.5f, 2f);
            assertThat(m.getFloatArray("types")).containsExactly(1f, 3f, 6f);
            assertThat(m.getStringArray("tokens")).containsExactly("<s>", "▁a");
            assertThat(m.getBooleanArray("bools")).containsExactly(true, false);
            assertThat(m.getInt("missing", 7)).isEqualTo(7);
            assertThat(m.getString("missing", "d")).isEqualTo("d");
            assertThat(m.getFloat("missing", 1.5f)).isEqualTo(1.5f);
            assertThat(m.getBoolean("missing", true)).isTrue();
            assertThat(m.getLong("missing", -1)).isEqualTo(-1);

            assertThatThrownBy(() -> m.getString("missing")).isInstanceOf(GgufMetadataException.class)
                    .hasMessageContaining("'missing'").hasMessageContaining("missing");
            assertThatThrownBy(() -> m.getString("u8")).isInstanceOf(GgufMetadataException.class)
                    .hasMessageContaining("'u8'").hasMessageContaining("STRING").hasMessageContaining("UINT8");
            assertThatThrownBy(() -> m.getInt("big")).isInstanceOf(GgufMetadataException.class)
                    .hasMessageContaining("'big'").hasMessageContaining("4000000000");
            assertThatThrownBy(() -> m.getLong("huge")).isInstanceOf(GgufMetadataException.class)
                    .hasMessageContaining("18446744073709551615");
            assertThatThrownBy(() -> m.getInt("s", 3)).isInstanceOf(GgufMetadataException.class)
                    .hasMessageContaining("'s'").hasMessageContaining("integer").hasMessageContaining("STRING");
            assertThatThrownBy(() -> m.getIntArray("u32s")).isInstanceOf(GgufMetadataException.class)
                    .hasMessageContaining("'u32s'").hasMessageContaining("element 1");
            assertThatThrownBy(() -> m.getStringArray("types")).isInstanceOf(GgufMetadataException.class)
                    .hasMessageContaining("'types'").hasMessageContaining("STRING").hasMessageContaining("INT32");
            assertThatThrownBy(() -> m.getFloatArray("s")).isInstanceOf(GgufMetadataException.class)
                    .hasMessageContaining("'s'").hasMessageContaining("STRING");
            assertThatThrownBy(() -> m.getBoolean("b2")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16, 32, 64, 4096})
    void tensorsOfSeveralTypesRoundTripAtAnyAlignment(int alignment) throws IOException {
        Random r = new Random(alignment);
        record Spec(String name, GgmlType type, long[] shape) {}
        List<Spec> specs = List.of(
                new Spec("token_embd.weight", GgmlType.F32, new long[] {8, 3}),
                new Spec("blk.0.attn_q.weight", GgmlType.F16, new long[] {16, 2}),
                new Spec("blk.0.ffn_up.weight", GgmlType.Q8_0, new long[] {64, 3}),
                new Spec("blk.0.ffn_down.weight", GgmlType.Q4_K, new long[] {256, 1, 2}),
                new Spec("blk.0.x.weight", GgmlType.BF16, new long[] {2, 1, 1, 3}),
                new Spec("positions", GgmlType.I32, new long[] {5}),
                new Spec("output.weight", GgmlType.Q6_K, new long[] {256, 2}));
        GgufWriter w = new GgufWriter().alignment(alignment).putString("general.architecture", "llama");
        List<byte[]> payloads = new ArrayList<>();
        for (Spec s : specs) {
            byte[] bytes = new byte[(int) s.type().bytesFor(Tensor.elementCount(s.shape()))];
            r.nextBytes(bytes);
            payloads.add(bytes);
            w.addTensor(s.name(), s.type(), s.shape(), MemorySegment.ofArray(bytes));
        }
        Path file = dir.resolve("tensors.gguf");
        w.write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.dataOffset() % alignment).isZero();
            assertThat(g.alignment()).isEqualTo(alignment);
            assertThat(g.metadata().has("general.alignment")).isEqualTo(alignment != 32);
            if (alignment != 32) {
                assertThat(g.metadata().typeOf("general.alignment")).isEqualTo(GgufValueType.UINT32);
                assertThat(g.metadata().getInt("general.alignment")).isEqualTo(alignment);
            }
            assertThat(g.tensorInfos()).extracting(GgufTensorInfo::name)
                    .containsExactlyElementsOf(specs.stream().map(Spec::name).toList());
            for (int i = 0; i < specs.size(); i++) {
                Spec s = specs.get(i);
                GgufTensorInfo info = g.tensorInfos().get(i);
                assertThat(info.offset() % alignment).isZero();
                assertThat(info.offset()).isGreaterThanOrEqualTo(g.dataOffset());
                assertThat(info.type()).isEqualTo(s.type());
                assertThat(info.shape()).containsExactly(s.shape());
                Tensor t = g.tensor(s.name());
                assertThat(t.type()).isEqualTo(s.type());
                assertThat(t.shape()).containsExactly(s.shape());
                assertThat(t.data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(payloads.get(i));
                assertThat(t.data().isReadOnly()).isTrue();
            }
            assertThat(g.hasTensor("output.weight")).isTrue();
            assertThat(g.hasTensor("nope")).isFalse();
            assertThatThrownBy(() -> g.tensor("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'nope'");
        }
    }

    @Test
    void version2FilesReadLikeVersion3() throws IOException {
        Path v2 = dir.resolve("v2.gguf");
        Path v3 = dir.resolve("v3.gguf");
        for (int version : new int[] {2, 3}) {
            new GgufWriter().version(version).putString("general.name", "tiny").putI32Array("a", new int[] {4, 5})
                    .addTensor("w", GgmlType.F32, new long[] {4}, MemorySegment.ofArray(new float[] {1, 2, 3, 4}))
                    .write(version == 2 ? v2 : v3);
        }
        byte[] b2 = Files.readAllBytes(v2);
        byte[] b3 = Files.readAllBytes(v3);
        assertThat(b2[4]).isEqualTo((byte) 2);
        b2[4] = 3;
        assertThat(b2).isEqualTo(b3); // only the version differs
        try (GgufFile g = GgufFile.open(v2)) {
            assertThat(g.version()).isEqualTo(2);
            assertThat(g.metadata().getString("general.name")).isEqualTo("tiny");
            assertThat(g.metadata().getIntArray("a")).containsExactly(4, 5);
            assertThat(g.tensor("w").data().toArray(ValueLayout.JAVA_FLOAT)).containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void fillerStreamsExactlyTheTensorsBytesIntoTheOutput() throws IOException {
        Path file = dir.resolve("filled.gguf");
        long[] seen = new long[1];
        new GgufWriter()
                .addTensor("q", GgmlType.Q8_0, new long[] {32, 4}, dst -> {
                    seen[0] = dst.byteSize();
                    for (long i = 0; i < dst.byteSize(); i++) {
                        dst.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
                    }
                })
                .write(file);
        assertThat(seen[0]).isEqualTo(4 * 34);
        try (GgufFile g = GgufFile.open(file)) {
            byte[] got = g.tensor("q").data().toArray(ValueLayout.JAVA_BYTE);
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).isEqualTo((byte) (i * 7));
            }
        }
    }

    @Test
    void metadataCopiesFromFileToFile() throws IOException {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        new GgufWriter().alignment(64).putString("s", "x").putU8("u8", 250).putU16("u16", 60000).putU32("u32", 3_000_000_000L)
                .putU64("u64", -2L).putI8("i8", -3).putI16("i16", -300).putF32("f", 1.25f).putF64("d", -2.5).putBool("t", true)
                .putArray("n", new GgufArray(GgufValueType.ARRAY, new GgufArray[] {
                        new GgufArray(GgufValueType.UINT16, new int[] {65535}), new GgufArray(GgufValueType.UINT32, new long[] {7})}))
                .write(a);
        try (GgufFile ga = GgufFile.open(a)) {
            new GgufWriter().putAll(ga.metadata()).write(b);
            try (GgufFile gb = GgufFile.open(b)) {
                assertThat(gb.metadata().keys()).containsExactlyElementsOf(ga.metadata().keys());
                assertThat(gb.alignment()).isEqualTo(64);
                for (String k : ga.metadata().keys()) {
                    assertThat(gb.metadata().typeOf(k)).as(k).isEqualTo(ga.metadata().typeOf(k));
                    assertThat(gb.metadata().get(k)).as(k).isEqualTo(ga.metadata().get(k));
                }
            }
        }
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void aFailingFillerLeavesNeitherTargetNorTempFile() throws IOException {
        Path file = dir.resolve("fail.gguf");
        GgufWriter w = new GgufWriter().addTensor("x", GgmlType.F32, new long[] {4}, dst -> {
            throw new IOException("disk on fire");
        });
        assertThatThrownBy(() -> w.write(file)).isInstanceOf(IOException.class).hasMessage("disk on fire");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void rewritingReplacesTheFileAtomically() throws IOException {
        Path file = dir.resolve("m.gguf");
        new GgufWriter().putString("v", "one").write(file);
        new GgufWriter().putString("v", "two").write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.metadata().getString("v")).isEqualTo("two");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void writtenFilesGetTheUsualPermissionsNotATempFilesOwnerOnlyOnes() throws IOException {
        Path file = dir.resolve("perm.gguf");
        Path plain = Files.createFile(dir.resolve("plain.txt"));
        assumeTrue(plain.getFileSystem().supportedFileAttributeViews().contains("posix"));
        new GgufWriter().putString("a", "b").write(file);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void writerRejectsWhatReadersWouldReject() {
        GgufWriter w = new GgufWriter().addTensor("t", GgmlType.F32, new long[] {1}, MemorySegment.ofArray(new float[1]));
        assertThatThrownBy(() -> w.alignment(0)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> w.alignment(48)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> w.putI32("general.alignment", 64)).hasMessageContaining("UINT32");
        assertThatThrownBy(() -> w.putU32("general.alignment", 3)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> w.addTensor("t", GgmlType.F32, new long[] {1}, MemorySegment.ofArray(new float[1])))
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> w.addTensor("q", GgmlType.Q8_0, new long[] {16}, dst -> { }))
                .hasMessageContaining("block size 32");
        assertThatThrownBy(() -> w.addTensor("z", GgmlType.F32, new long[] {0}, dst -> { })).hasMessageContaining("<= 0");
        assertThatThrownBy(() -> w.addTensor("five", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, dst -> { }))
                .hasMessageContaining("1..4");
        assertThatThrownBy(() -> w.addTensor("x".repeat(64), GgmlType.F32, new long[] {1}, dst -> { }))
                .hasMessageContaining("63 bytes");
        assertThatThrownBy(() -> w.addTensor("small", GgmlType.F32, new long[] {2}, MemorySegment.ofArray(new float[1])))
                .hasMessageContaining("needs 8 bytes");
        assertThatThrownBy(() -> w.putU8("k", 256)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> w.putU32("k", -1)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> w.putString("k", "bad \uD800 surrogate")).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> w.putString("", "v")).hasMessageContaining("empty");
        assertThatThrownBy(() -> w.putValue("k", GgufValueType.INT32, 1.5)).hasMessageContaining("Double");
        assertThatThrownBy(() -> w.putArray("k", new GgufArray(GgufValueType.UINT8, new short[] {300})))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> new GgufArray(GgufValueType.UINT32, new int[1])).hasMessageContaining("long[]");
    }

    @Test
    void aKeyPutTwiceKeepsItsPlaceAndTakesTheNewValue() throws IOException {
        Path file = dir.resolve("k.gguf");
        new GgufWriter().putString("a", "1").putString("b", "2").putU32("a", 3).write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.metadata().keys()).containsExactly("a", "b");
            assertThat(g.metadata().getInt("a")).isEqualTo(3);
        }
    }

    @Test
    void missingFilesAndDirectoriesFailWithAnIoErrorNamingThem() {
        assertThatThrownBy(() -> GgufFile.open(dir.resolve("absent.gguf")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class).hasMessageContaining("absent.gguf");
        assertThatThrownBy(() -> GgufFile.open(dir))
                .isInstanceOf(java.nio.file.FileSystemException.class).hasMessageContaining("is a directory");
    }

    @Test
    void closingTwiceIsHarmlessAndUnmaps() throws IOException {
        Path file = dir.resolve("c.gguf");
        new GgufWriter().addTensor("w", GgmlType.F32, new long[] {4}, MemorySegment.ofArray(new float[4])).write(file);
        GgufFile g = GgufFile.open(file);
        Tensor t = g.tensor("w");
        g.close();
        g.close();
        assertThatThrownBy(() -> t.data().get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }
}
