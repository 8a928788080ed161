package dev.sirocco.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sirocco.engine.tensor.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a valid file costs heap in proportion to its metadata, never to its tensor data, even for
 * metadata built to be as expensive per byte as possible (a vocabulary of one-byte tokens).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GgufAllocationTest {

    @TempDir
    Path dir;

    private static long allocatedDuringOpen(Path file) throws IOException {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        GgufFile.open(file).close(); // load classes first
        long before = threads.getCurrentThreadAllocatedBytes();
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.metadata().size()).isPositive();
            return threads.getCurrentThreadAllocatedBytes() - before;
        }
    }

    @Test
    void tensorDataIsMappedNotCopied() throws IOException {
        Path file = dir.resolve("weights.gguf");
        new GgufWriter().putString("general.architecture", "llama")
                .addTensor("w", GgmlType.F32, new long[] {1024, 16 * 1024}, dst -> { }) // 64 MiB of weights
                .write(file);
        assertThat(Files.size(file)).isGreaterThan(64L << 20);
        assertThat(allocatedDuringOpen(file)).isLessThan(256 << 10);
    }

    @Test
    void aRealisticVocabularyCostsAFewTimesItsBytes() throws IOException {
        // "▁" makes every token a UTF-16 String: about 100 heap bytes for 27 file bytes (token, score, type).
        Random r = new Random(3);
        int n = 32_000;
        String[] tokens = new String[n];
        float[] scores = new float[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = "▁tok" + Integer.toString(r.nextInt(1 << 20), 36);
            scores[i] = -i;
            types[i] = 1;
        }
        Path file = dir.resolve("vocab.gguf");
        new GgufWriter().putStringArray("tokenizer.ggml.tokens", tokens).putF32Array("tokenizer.ggml.scores", scores)
                .putI32Array("tokenizer.ggml.token_type", types).write(file);
        long size = Files.size(file);
        long allocated = allocatedDuringOpen(file);
        assertThat(allocated).as("allocated %d for a %d-byte file", allocated, size).isLessThan(6 * size);
    }

    @Test
    void oneByteTokensStayWithinASmallFactorOfTheFileSize() throws IOException {
        int n = 200_000;
        String[] tokens = new String[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = String.valueOf((char) ('a' + i % 26));
        }
        Path file = dir.resolve("tiny-tokens.gguf");
        new GgufWriter().putStringArray("t", tokens).write(file);
        long size = Files.size(file);
        long allocated = allocatedDuringOpen(file);
        // 9 bytes per token in the file; a String (24 bytes) with its byte[] (24) and a reference (4) on the heap.
        assertThat(allocated).as("allocated %d for a %d-byte file", allocated, size).isLessThan(8 * size);
    }
}
