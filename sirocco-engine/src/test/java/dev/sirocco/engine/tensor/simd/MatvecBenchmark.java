package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.engine.tensor.ScalarKernels;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.Quantizer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Not a test: times one 2048 x 2048 matvec (batch 1) per weight type, scalar vs vector, after warm-up (best of 5 rounds).
 * Weights live off-heap like a mapped GGUF. Run one vector width per JVM (the kernels' call sites then see
 * one species), e.g. from the repository root after {@code mvn test-compile}:
 * {@code java --add-modules jdk.incubator.vector -cp sirocco-engine/target/classes:sirocco-engine/target/test-classes
 * dev.sirocco.engine.tensor.simd.MatvecBenchmark [threads] [bits] [types...]}
 */
public final class MatvecBenchmark {
    private MatvecBenchmark() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int bits = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        GgmlType[] types = args.length > 2
                ? java.util.Arrays.stream(args, 2, args.length).map(GgmlType::valueOf).toArray(GgmlType[]::new)
                : new GgmlType[]{GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K,
                        GgmlType.Q6_K, GgmlType.BF16, GgmlType.Q5_K, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
                        GgmlType.Q2_K, GgmlType.Q3_K};
        int n = 2048;
        try (Parallel parallel = new Parallel(threads); Arena arena = Arena.ofConfined()) {
            Kernels scalar = new ScalarKernels(parallel);
            VectorKernels vector = bits == 0 ? new VectorKernels(parallel) : new VectorKernels(parallel, bits);
            System.out.printf("threads %d, vector width %d bits%n", threads, vector.species().vectorBitSize());
            System.out.printf("%-5s %12s %12s %8s %10s%n", "type", "scalar ns", "vector ns", "speedup", "vec GB/s");
            Random r = new Random(1);
            float[] w = new float[n * n];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextGaussian() * 0.05f;
            }
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] out = new float[n];
            for (GgmlType t : types) {
                MemorySegment seg = arena.allocate(t.bytesFor((long) n * n), 64);
                Quantizer.quantize(t, w, 0, w.length, seg, 0);
                Tensor tensor = new Tensor(t.name(), t, new long[]{n, n}, seg);
                // Both warmed before either is timed: on a busy machine C2 finishes late, and a kernel timed
                // before its compilation landed looked ten times slower than it is.
                warm(vector, tensor, x, out);
                warm(scalar, tensor, x, out);
                double v = time(vector, tensor, x, out);
                double s = time(scalar, tensor, x, out);
                System.out.printf("%-5s %12.0f %12.0f %8.2f %10.2f%n", t, s, v, s / v, seg.byteSize() / v);
            }
        }
    }

    /** Calls the kernel for at least 1 s and 20 times. */
    private static void warm(Kernels k, Tensor w, float[] x, float[] out) {
        long end = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; System.nanoTime() < end || i < 20; i++) {
            k.matmul(w, x, out, 1);
        }
    }

    /** The best of 5 rounds of the mean ns per matvec, each round about 0.1 s (at least 3 calls). */
    private static double time(Kernels k, Tensor w, float[] x, float[] out) {
        long t0 = System.nanoTime();
        k.matmul(w, x, out, 1);
        int reps = (int) Math.max(3, 100_000_000L / Math.max(1, System.nanoTime() - t0));
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                k.matmul(w, x, out, 1);
            }
            best = Math.min(best, (System.nanoTime() - start) / (double) reps);
        }
        return best;
    }
}
