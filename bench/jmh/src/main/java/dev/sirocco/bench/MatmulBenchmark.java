package dev.sirocco.bench;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.KernelsFactory;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.Quantizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One weight matrix of the Llama-3.2-1B shape (an FFN projection: 8192 rows of 2048 by default) times
 * {@code batch} activation rows, per tensor type: batch 1 is a decode step (matvec), larger batches are
 * prompt processing (batched matmul). Reports the time per call; weights live off-heap like a mapped file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatmulBenchmark {

    @Param({"F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    public String type;

    @Param({"1", "16"})
    public int batch;

    @Param({"8192"})
    public int rows;

    @Param({"2048"})
    public int cols;

    /** Threads of the kernels' pool (the 1B comparison runs with 2). */
    @Param({"2"})
    public int threads;

    /** {@code vector} (what the engine uses) or {@code scalar} (the reference twin). */
    @Param({"vector"})
    public String kernels;

    private Arena arena;
    private Parallel parallel;
    private Kernels impl;
    private Tensor weight;
    private float[] x;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        GgmlType t = GgmlType.valueOf(type);
        Random random = new Random(42);
        arena = Arena.ofShared();
        MemorySegment data = arena.allocate(t.bytesFor((long) rows * cols), 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                row[i] = (float) (random.nextGaussian() * 0.02);
            }
            Quantizer.quantize(t, row, 0, cols, data, r * t.bytesFor(cols));
        }
        weight = new Tensor("bench.weight", t, new long[]{cols, rows}, data);
        x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        out = new float[batch * rows];
        parallel = new Parallel(threads);
        impl = KernelsFactory.create(parallel, kernels.equals("scalar"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public void matmul(Blackhole bh) {
        impl.matmul(weight, x, out, batch);
        bh.consume(out);
    }
}
