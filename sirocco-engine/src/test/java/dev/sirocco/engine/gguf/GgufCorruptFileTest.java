package dev.sirocco.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of broken files derived from one valid file: every one must fail with a
 * {@link GgufFormatException} that names the byte offset and field, within a time limit and without
 * allocating much more than the file's size.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GgufCorruptFileTest {

    private static final long HUGE_BASE = 1L << 20;
    private static final long[] HUGE = {1L << 31, 1L << 32, 1L << 62, Long.MAX_VALUE, -1L, Long.MIN_VALUE};

    private static final byte[] VALID = validFile(32);
    private static final GgufLayout LAYOUT = GgufLayout.of(VALID);

    @TempDir
    Path dir;

    /** The base file: every value kind, a nested array, three tensors (the last one unpadded, 32 bytes). */
    static byte[] validFile(int alignment) {
        Random r = new Random(7);
        byte[] q = new byte[68];
        byte[] h = new byte[64];
        byte[] f = new byte[32];
        r.nextBytes(q);
        r.nextBytes(h);
        r.nextBytes(f);
        GgufWriter w = new GgufWriter().alignment(alignment)
                .putString("general.architecture", "llama")
                .putU32("dup.a", 7).putU32("dup.b", 8)
                .putStringArray("tokens", new String[] {"a", "bc", "d"})
                .putF32Array("scores", new float[] {0.5f, -1f, 2f})
                .putBool("flag", true)
                .putArray("nested", new GgufArray(GgufValueType.ARRAY, new GgufArray[] {
                        new GgufArray(GgufValueType.INT32, new int[] {1, 2}),
                        new GgufArray(GgufValueType.STRING, new String[] {"x"})}))
                .addTensor("q", GgmlType.Q8_0, new long[] {64, 1}, MemorySegment.ofArray(q))
                .addTensor("h", GgmlType.F16, new long[] {16, 2}, MemorySegment.ofArray(h))
                .addTensor("f", GgmlType.F32, new long[] {8}, MemorySegment.ofArray(f));
        return write(w);
    }

    static byte[] write(GgufWriter w) {
        try {
            Path tmp = Files.createTempFile("gguf-corpus", ".gguf");
            try {
                w.write(tmp);
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] patch(byte[] base, GgufLayout.FieldAt field, long value) {
        byte[] b = base.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        switch (field.width()) {
            case 1 -> bb.put((int) field.offset(), (byte) value);
            case 2 -> bb.putShort((int) field.offset(), (short) value);
            case 4 -> bb.putInt((int) field.offset(), (int) value);
            case 8 -> bb.putLong((int) field.offset(), value);
            default -> throw new IllegalArgumentException("width " + field.width());
        }
        return b;
    }

    /** Opens {@code bytes} as a file; it must fail with a well-formed GgufFormatException and bounded allocation. */
    GgufFormatException assertRejected(byte[] bytes) throws IOException {
        Path file = dir.resolve("case.gguf");
        Files.write(file, bytes);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        Throwable thrown = catchThrowable(() -> GgufFile.open(file).close());
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        if (!(thrown instanceof GgufFormatException e)) {
            throw new AssertionError("expected a GgufFormatException, got " + thrown, thrown);
        }
        assertThat(e.offset()).as(e.getMessage()).isBetween(0L, (long) bytes.length);
        assertThat(e.field()).as(e.getMessage()).isNotBlank();
        assertThat(e.getMessage()).contains("case.gguf: at byte " + e.offset() + ", " + e.field() + ": ");
        assertThat(allocated).as("bytes allocated by open() of a " + bytes.length + "-byte file: " + e.getMessage())
                .isLessThan((bytes.length + HUGE_BASE) * 4);
        return e;
    }

    void assertRejectedAt(byte[] bytes, GgufLayout.FieldAt expected, String expectedFieldName, String messagePart)
            throws IOException {
        GgufFormatException e = assertRejected(bytes);
        assertThat(e.offset()).as(e.getMessage()).isEqualTo(expected.offset());
        assertThat(e.field()).as(e.getMessage()).isEqualTo(expectedFieldName);
        assertThat(e.getMessage()).contains(messagePart);
    }

    @Test
    void theBaseFileIsValid() throws IOException {
        Path file = dir.resolve("valid.gguf");
        Files.write(file, VALID);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.tensorInfos()).hasSize(3);
            assertThat(g.dataOffset()).isEqualTo(LAYOUT.dataOffset);
            assertThat(LAYOUT.tensorData.get(2)[1]).isEqualTo(VALID.length); // nothing after the last tensor
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void truncatedAtEveryByteIsRejectedWithAnOffsetWithinWhatRemains() throws IOException {
        for (int n = 0; n < VALID.length; n++) {
            GgufFormatException e = assertRejected(Arrays.copyOf(VALID, n));
            assertThat(e.offset()).as("truncated to %d bytes: %s", n, e.getMessage()).isLessThanOrEqualTo(n);
        }
    }

    @Test
    void truncatedAtEverySectionBoundaryOfALargerFileIsRejected() throws IOException {
        Random r = new Random(11);
        String[] vocab = new String[300];
        float[] scores = new float[vocab.length];
        for (int i = 0; i < vocab.length; i++) {
            vocab[i] = "tok" + i + (i % 7 == 0 ? "▁é" : "");
            scores[i] = r.nextFloat();
        }
        byte[] big = new byte[(int) GgmlType.Q4_K.bytesFor(256 * 64)];
        r.nextBytes(big);
        byte[] file = write(new GgufWriter().putString("general.architecture", "llama")
                .putStringArray("tokenizer.ggml.tokens", vocab).putF32Array("tokenizer.ggml.scores", scores)
                .addTensor("a", GgmlType.Q4_K, new long[] {256, 64}, MemorySegment.ofArray(big))
                .addTensor("b", GgmlType.F32, new long[] {8, 4}, MemorySegment.ofArray(new float[32])));
        GgufLayout layout = GgufLayout.of(file);
        long lastEnd = layout.tensorData.getLast()[1];
        List<Long> cuts = new ArrayList<>();
        for (long b : layout.boundaries) {
            cuts.add(b - 1);
            cuts.add(b);
            cuts.add(b + 1);
        }
        for (GgufLayout.FieldAt f : layout.fields) {
            cuts.add(f.offset() + f.width() / 2);
        }
        int checked = 0;
        for (long cut : cuts) {
            if (cut >= 0 && cut < lastEnd) {
                GgufFormatException e = assertRejected(Arrays.copyOf(file, (int) cut));
                assertThat(e.offset()).as(e.getMessage()).isLessThanOrEqualTo(cut);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(layout.boundaries.size());
    }

    static Stream<Arguments> countsLengthsAndOffsets() {
        List<Arguments> cases = new ArrayList<>();
        for (GgufLayout.FieldAt f : LAYOUT.fields) {
            if (f.width() == 8 && (f.name().startsWith("n_") || f.name().endsWith(".length")
                    || f.name().contains(".dims[") || f.name().endsWith(".offset"))) {
                for (long v : HUGE) {
                    cases.add(Arguments.of(f.name(), v));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("countsLengthsAndOffsets")
    void hugeCountsLengthsDimsAndOffsetsAreRejectedBeforeAllocating(String fieldName, long value) throws IOException {
        GgufLayout.FieldAt f = LAYOUT.field(fieldName);
        GgufFormatException e = assertRejected(patch(VALID, f, value));
        if (f.name().contains(".dims[")) {
            // A huge dimension is caught where it overflows, breaks the block size, or where the data would end.
            String tensor = f.name().substring(0, f.name().indexOf('.'));
            assertThat(e.offset()).as(e.getMessage())
                    .isBetween(f.offset(), LAYOUT.field(tensor + ".offset").offset());
            assertThat(e.field()).as(e.getMessage()).startsWith(tensor + ".");
        } else {
            assertThat(e.offset()).as(e.getMessage()).isEqualTo(f.offset());
            assertThat(e.field()).as(e.getMessage()).isEqualTo(f.name());
        }
    }

    static Stream<Arguments> valueTypes() {
        List<Arguments> cases = new ArrayList<>();
        for (GgufLayout.FieldAt f : LAYOUT.fields) {
            if (f.name().endsWith(".type") && f.name().startsWith("kv") || f.name().endsWith(".element_type")) {
                for (long v : new long[] {13, 99, 1L << 31, 0xFFFF_FFFFL}) {
                    cases.add(Arguments.of(f.name(), v));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("valueTypes")
    void unknownValueTypesAreRejectedNamingTheId(String fieldName, long id) throws IOException {
        assertRejectedAt(patch(VALID, LAYOUT.field(fieldName), id), LAYOUT.field(fieldName), fieldName,
                "unknown value type id " + id);
    }

    static Stream<Arguments> tensorFields() {
        return Stream.of(0, 1, 2).flatMap(i -> Stream.of(
                Arguments.of(i, 0L), Arguments.of(i, 5L), Arguments.of(i, 99L), Arguments.of(i, 1L << 31)));
    }

    @ParameterizedTest(name = "tensor {0} n_dims = {1}")
    @MethodSource("tensorFields")
    void nDimsOutsideOneToFourIsRejected(int tensor, long nDims) throws IOException {
        String name = "tensor_infos[" + tensor + "].n_dims";
        assertRejectedAt(patch(VALID, LAYOUT.field(name), nDims), LAYOUT.field(name), name,
                "expected 1..4, got " + nDims);
    }

    @ParameterizedTest(name = "tensor type id {0}")
    @MethodSource("unknownTypeIds")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void unknownTensorTypeIdsAreRejectedNamingTheId(long id) throws IOException {
        String name = "tensor_infos[1].type";
        GgufFormatException e = assertRejected(patch(VALID, LAYOUT.field(name), id));
        assertThat(e.offset()).isEqualTo(LAYOUT.field(name).offset());
        assertThat(e.field()).isEqualTo(name);
        assertThat(e.getMessage()).contains(id == 16 ? "ggml type id 16 (IQ2_XXS) is not supported"
                : "unknown ggml type id " + id);
    }

    static Stream<Long> unknownTypeIds() {
        // 4 and 5 were Q4_2/Q4_3 (removed from ggml), 16 is IQ2_XXS (not supported by Sirocco), 39+ unassigned.
        return Stream.of(4L, 5L, 16L, 99L, 1L << 31, 0xFFFF_FFFFL);
    }

    @Test
    void badMagicIsRejectedAtByteZero() throws IOException {
        for (String magic : new String[] {"GGUG", "GGML", "\0\0\0\0", "FUGG"}) {
            byte[] b = VALID.clone();
            System.arraycopy(magic.getBytes(StandardCharsets.ISO_8859_1), 0, b, 0, 4);
            GgufFormatException e = assertRejected(b);
            assertThat(e.offset()).isZero();
            assertThat(e.field()).isEqualTo("magic");
            assertThat(e.getMessage()).contains("not a GGUF file");
        }
    }

    @Test
    void versionsOtherThanTwoAndThreeAreRejected() throws IOException {
        GgufLayout.FieldAt v = LAYOUT.field("version");
        assertRejectedAt(patch(VALID, v, 1), v, "version", "GGUF v1 is not supported");
        assertRejectedAt(patch(VALID, v, 0), v, "version", "expected 2 or 3, got 0");
        assertRejectedAt(patch(VALID, v, 4), v, "version", "expected 2 or 3, got 4");
        assertRejectedAt(patch(VALID, v, 0xFFFF_FFFFL), v, "version", "expected 2 or 3, got 4294967295");
        assertRejectedAt(patch(VALID, v, 3L << 24), v, "version", "big-endian");
    }

    @Test
    void misalignedTensorOffsetsAreRejected() throws IOException {
        GgufLayout.FieldAt f = LAYOUT.field("tensor_infos[1].offset");
        long rel = LAYOUT.tensorData.get(1)[0] - LAYOUT.dataOffset;
        for (long delta : new long[] {1, 2, 16, -4}) {
            assertRejectedAt(patch(VALID, f, rel + delta), f, f.name(), "not a multiple of the alignment 32");
        }
    }

    @Test
    void tensorOffsetsOutsideTheDataSectionAreRejected() throws IOException {
        GgufLayout.FieldAt f = LAYOUT.field("tensor_infos[2].offset");
        long dataSize = VALID.length - LAYOUT.dataOffset;
        assertRejectedAt(patch(VALID, f, dataSize), f, f.name(), "past the end of the file");
        assertRejectedAt(patch(VALID, f, dataSize + 32), f, f.name(), "past the end of the data section");
        assertRejectedAt(patch(VALID, f, dataSize - 32 + 32 * 1024), f, f.name(), "past the end of the data section");
        // The data section starts at the first aligned offset after the header; a tensor cannot start before it.
        assertRejectedAt(patch(VALID, f, -32), f, f.name(), "past the end of the data section");
    }

    @Test
    void overlappingTensorsAreRejected() throws IOException {
        GgufLayout.FieldAt second = LAYOUT.field("tensor_infos[1].offset");
        GgufLayout.FieldAt third = LAYOUT.field("tensor_infos[2].offset");
        long relSecond = LAYOUT.tensorData.get(1)[0] - LAYOUT.dataOffset;
        assertRejectedAt(patch(VALID, second, 0), second, second.name(), "overlaps tensor 'q'");
        assertRejectedAt(patch(VALID, third, relSecond + 32), third, third.name(), "overlaps tensor 'h'");
    }

    @Test
    void badDimensionsAreRejected() throws IOException {
        GgufLayout.FieldAt q0 = LAYOUT.field("tensor_infos[0].dims[0]");
        assertRejectedAt(patch(VALID, q0, 0), q0, q0.name(), "expected a dimension > 0, got 0");
        assertRejectedAt(patch(VALID, q0, 48), q0, q0.name(), "row length 48 is not a multiple of Q8_0's block size 32");
        GgufLayout.FieldAt h0 = LAYOUT.field("tensor_infos[1].dims[0]");
        GgufLayout.FieldAt h1 = LAYOUT.field("tensor_infos[1].dims[1]");
        assertRejectedAt(patch(patch(VALID, h0, 1L << 32), h1, 1L << 32), h1, h1.name(), "overflows");
    }

    @Test
    void duplicateKeysAndTensorNamesAreRejected() throws IOException {
        GgufLayout.FieldAt dupB = LAYOUT.field("kv[2].key.length");
        byte[] b = VALID.clone();
        b[(int) dupB.offset() + 8 + 4] = 'a'; // "dup.b" -> "dup.a"
        assertRejectedAt(b, dupB, "kv[2].key", "duplicate key 'dup.a'");

        GgufLayout.FieldAt f = LAYOUT.field("tensor_infos[2].name.length");
        byte[] t = VALID.clone();
        t[(int) f.offset() + 8] = 'h'; // "f" -> "h"
        assertRejectedAt(t, f, "tensor_infos[2].name", "duplicate tensor name 'h'");
    }

    @Test
    void emptyKeysAreRejected() throws IOException {
        GgufLayout.FieldAt k = LAYOUT.field("kv[1].key.length");
        assertRejectedAt(patch(VALID, k, 0), k, "kv[1].key", "keys must not be empty");
    }

    @Test
    void invalidUtf8InKeysValuesAndNamesIsRejectedAtTheBadByte() throws IOException {
        record Site(String lengthField, String expectedField, int index, int[] bytes) {}
        List<Site> sites = List.of(
                new Site("kv[0].key.length", "kv[0].key", 3, new int[] {0xFF}),
                new Site("kv['general.architecture'].value.length", "kv['general.architecture'].value", 0, new int[] {0xC0, 0x80}),
                new Site("kv['tokens'].value[1].length", "kv['tokens'].value[1]", 0, new int[] {0xED, 0xA0}),
                new Site("kv['tokens'].value[0].length", "kv['tokens'].value[0]", 0, new int[] {0x80}),
                new Site("tensor_infos[0].name.length", "tensor_infos[0].name", 0, new int[] {0xF8}));
        for (Site s : sites) {
            GgufLayout.FieldAt len = LAYOUT.field(s.lengthField());
            byte[] b = VALID.clone();
            int at = (int) len.offset() + 8 + s.index();
            for (int i = 0; i < s.bytes().length; i++) {
                b[at + i] = (byte) s.bytes()[i];
            }
            GgufFormatException e = assertRejected(b);
            assertThat(e.offset()).as(e.getMessage()).isEqualTo(at);
            assertThat(e.field()).as(e.getMessage()).isEqualTo(s.expectedField());
            assertThat(e.getMessage()).contains("invalid UTF-8");
        }
    }

    @Test
    void boolsOtherThanZeroOrOneAreRejected() throws IOException {
        GgufLayout.FieldAt flag = LAYOUT.field("kv['flag'].value");
        assertRejectedAt(patch(VALID, flag, 2), flag, flag.name(), "expected a BOOL of 0 or 1, got 2");
    }

    @Test
    void badAlignmentsAreRejected() throws IOException {
        byte[] base = validFile(64);
        GgufLayout layout = GgufLayout.of(base);
        GgufLayout.FieldAt value = layout.field("kv['general.alignment'].value");
        GgufLayout.FieldAt type = layout.field("kv['general.alignment'].type");
        assertRejectedAt(patch(base, value, 0), value, value.name(), "expected a power of two, got 0");
        assertRejectedAt(patch(base, value, 48), value, value.name(), "expected a power of two, got 48");
        assertRejectedAt(patch(base, type, GgufValueType.INT32.id()), type, type.name(), "expected UINT32, got INT32");
        GgufFormatException e = assertRejected(patch(base, value, 1L << 31));
        assertThat(e.field()).as(e.getMessage()).isIn("data_section", "tensor_infos[0].offset");
        // 32 is a valid alignment, but the tensors of this file sit on multiples of 64 only by construction:
        // with alignment 128 at least one of them is misaligned.
        GgufFormatException m = assertRejected(patch(base, value, 128));
        assertThat(m.getMessage()).containsAnyOf("alignment", "past the end");
    }

    @Test
    void deeplyNestedArraysAreRejectedWithoutExhaustingTheStack() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(100_000).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(0).putLong(1);
        b.putLong(1).put((byte) 'd').putInt(GgufValueType.ARRAY.id());
        for (int i = 0; i < 5000; i++) {
            b.putInt(GgufValueType.ARRAY.id()).putLong(1);
        }
        b.putInt(GgufValueType.INT32.id()).putLong(0);
        GgufFormatException e = assertRejected(Arrays.copyOf(b.array(), b.position()));
        assertThat(e.field()).startsWith("kv['d'].value[0][0]").endsWith(".element_type");
        assertThat(e.getMessage()).contains("nested deeper than");
    }

    @Test
    void nestedArraysWithinTheDepthLimitAreRead() throws IOException {
        GgufArray a = new GgufArray(GgufValueType.INT32, new int[] {42});
        for (int i = 1; i < GgufReader.MAX_ARRAY_DEPTH; i++) {
            a = new GgufArray(GgufValueType.ARRAY, new GgufArray[] {a});
        }
        Path file = dir.resolve("deep.gguf");
        new GgufWriter().putArray("d", a).write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.metadata().get("d")).isEqualTo(a);
        }
    }

    @Test
    void countsThatTheRemainingBytesCannotHoldAreRejectedBeforeAllocating() throws IOException {
        // Small enough to pass a naive "fits in an int" check, far too many for a ~600-byte file.
        GgufLayout.FieldAt nKv = LAYOUT.field("n_kv");
        assertRejectedAt(patch(VALID, nKv, 1_000_000), nKv, "n_kv", "expected at most");
        GgufLayout.FieldAt n = LAYOUT.field("kv['tokens'].value.length");
        assertRejectedAt(patch(VALID, n, 100_000_000), n, n.name(), "but only");
        GgufLayout.FieldAt nt = LAYOUT.field("n_tensors");
        assertRejectedAt(patch(VALID, nt, 1L << 40), nt, "n_tensors", "expected at most");
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void randomByteFlipsInTheHeaderNeverEscapeAsAnotherException() throws IOException {
        Random r = new Random(2024);
        Path file = dir.resolve("fuzz.gguf");
        int rejected = 0;
        int opened = 0;
        for (int round = 0; round < 1500; round++) {
            byte[] b = VALID.clone();
            int flips = 1 + r.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int at = 4 + r.nextInt((int) LAYOUT.dataOffset - 4);
                b[at] = r.nextInt(4) == 0 ? (byte) 0xFF : (byte) r.nextInt(256);
            }
            try {
                Files.write(file, b);
                try (GgufFile g = GgufFile.open(file)) {
                    opened++;
                    for (String k : g.metadata().keys()) {
                        assertThat(g.metadata().get(k)).isNotNull();
                    }
                    for (GgufTensorInfo t : g.tensorInfos()) {
                        Tensor tensor = g.tensor(t.name());
                        tensor.data().get(ValueLayout.JAVA_BYTE, 0);
                        tensor.data().get(ValueLayout.JAVA_BYTE, tensor.data().byteSize() - 1);
                    }
                }
            } catch (GgufFormatException e) {
                rejected++;
                assertThat(e.offset()).isBetween(0L, (long) b.length);
                assertThat(e.field()).isNotBlank();
            } catch (RuntimeException | IOException e) {
                fail("round " + round + ": expected success or GgufFormatException, got " + e, e);
            }
        }
        assertThat(rejected).isGreaterThan(500);
        assertThat(opened + rejected).isEqualTo(1500);
    }
}
