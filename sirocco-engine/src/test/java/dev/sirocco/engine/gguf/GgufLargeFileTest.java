package dev.sirocco.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files over 2 GiB, made cheap with sparse files: the header is tiny and the only real data sits past
 * the 2 GiB mark, so an int offset anywhere in the reader or writer would show up here.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GgufLargeFileTest {

    private static final long THREE_GIB = 3L << 30;

    @TempDir
    Path dir;

    /** Skips the test unless this file system creates a 3 GiB sparse file quickly. */
    private void assumeSparseFiles(Path probe) {
        long start = System.nanoTime();
        boolean ok;
        try (RandomAccessFile f = new RandomAccessFile(probe.toFile(), "rw")) {
            f.setLength(THREE_GIB);
            ok = f.length() == THREE_GIB;
        } catch (IOException e) {
            ok = false;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assumeTrue(ok && millis < 2000, "no fast sparse files here (" + millis + " ms)");
        assumeTrue(probe.toFile().delete());
    }

    @Test
    void aTensorPlacedBeyondTwoGibIsReadFromAHandBuiltSparseFile() throws IOException {
        Path file = dir.resolve("sparse.gguf");
        assumeSparseFiles(dir.resolve("probe"));
        long farOffset = (2L << 30) + 4096; // relative to the data section: past 2 GiB
        ByteBuffer h = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        h.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(1).putLong(1);
        h.putLong(4).put("name".getBytes(StandardCharsets.US_ASCII)).putInt(GgufValueType.STRING.id())
                .putLong(3).put("big".getBytes(StandardCharsets.US_ASCII));
        h.putLong(3).put("far".getBytes(StandardCharsets.US_ASCII)).putInt(1).putLong(4).putInt(GgmlType.F32.id())
                .putLong(farOffset);
        long dataOffset = (h.position() + 31) / 32 * 32;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(THREE_GIB);
            f.write(h.array(), 0, h.position());
            ByteBuffer values = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            values.putFloat(1.5f).putFloat(-2f).putFloat(3.25f).putFloat(4f);
            f.seek(dataOffset + farOffset);
            f.write(values.array());
        }
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.fileSize()).isEqualTo(THREE_GIB);
            assertThat(g.metadata().getString("name")).isEqualTo("big");
            GgufTensorInfo info = g.tensorInfos().getFirst();
            assertThat(info.offset()).isEqualTo(dataOffset + farOffset).isGreaterThan(Integer.MAX_VALUE);
            Tensor t = g.tensor("far");
            assertThat(t.data().toArray(ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN)))
                    .containsExactly(1.5f, -2f, 3.25f, 4f);
        }
    }

    @Test
    void theWriterStreamsPastTwoGibAndTheReaderFindsTheTensorThere() throws IOException {
        Path file = dir.resolve("written.gguf");
        assumeSparseFiles(dir.resolve("probe"));
        long padRows = 9L << 10; // I8 [256 Ki, 9 Ki] = 2.25 GiB that the filler leaves untouched (a hole)
        new GgufWriter().putString("general.name", "big")
                .addTensor("pad", GgmlType.I8, new long[] {256L << 10, padRows}, dst -> { })
                .addTensor("far", GgmlType.F32, new long[] {4}, dst -> {
                    for (int i = 0; i < 4; i++) {
                        dst.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i, i + 0.5f);
                    }
                })
                .write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.fileSize()).isGreaterThan(2L << 30);
            assertThat(g.tensor("pad").data().byteSize()).isEqualTo((256L << 10) * padRows);
            GgufTensorInfo far = g.tensorInfos().get(1);
            assertThat(far.offset()).isGreaterThan(Integer.MAX_VALUE);
            assertThat(g.tensor("far").data().toArray(ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN)))
                    .containsExactly(0.5f, 1.5f, 2.5f, 3.5f);
        }
    }

    @Test
    void anArrayLengthTheFileCouldHoldButTheHeapCannotIsRejectedWithoutAllocating() throws IOException {
        long budget = Runtime.getRuntime().maxMemory() / 4;
        long n = budget / 4 + 1; // FLOAT32 elements: 4 bytes each on the heap
        assumeTrue(n <= Integer.MAX_VALUE - 8, "heap too large for this check to differ from the array-length limit");
        Path file = dir.resolve("hostile.gguf");
        assumeSparseFiles(dir.resolve("probe"));
        ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        h.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(0).putLong(1);
        h.putLong(6).put("scores".getBytes(StandardCharsets.US_ASCII)).putInt(GgufValueType.ARRAY.id())
                .putInt(GgufValueType.FLOAT32.id());
        long lengthAt = h.position();
        h.putLong(n);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(h.position() + 4 * n); // the remaining bytes do hold n floats (zeros, a hole)
            f.write(h.array(), 0, h.position());
        }
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        GgufFormatException e = org.junit.jupiter.api.Assertions.assertThrows(GgufFormatException.class,
                () -> GgufFile.open(file).close());
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(e.offset()).isEqualTo(lengthAt);
        assertThat(e.field()).isEqualTo("kv['scores'].value.length");
        assertThat(e.getMessage()).contains("bytes of heap");
        assertThat(allocated).isLessThan(4L << 20);
    }
}
