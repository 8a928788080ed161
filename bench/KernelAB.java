import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * A/B timing of one matmul shape through two builds of sirocco-engine in one JVM, interleaved round by round, so
 * both see the same machine load (this machine is shared; absolute numbers drift by 2x within minutes). Also
 * counts the outputs whose bits differ between the two builds. Run with the JDK's source launcher:
 * {@code java --add-modules jdk.incubator.vector KernelAB.java A.jar B.jar TYPE ROWS COLS BATCH [ROUNDS [THREADS]]}
 * (the jars: {@code sirocco-engine/target/sirocco-engine-*.jar} of each build). THREADS defaults to 2; with 1 the
 * product runs on the calling thread and is timed by that thread's CPU time, which time slices lost to other
 * processes on a shared machine do not inflate (wall time otherwise).
 */
public class KernelAB {
    private record Build(Object kernels, Method matmul, Object tensor) {
    }

    public static void main(String[] a) throws Exception {
        if (a.length < 6) {
            System.err.println("usage: KernelAB A.jar B.jar TYPE ROWS COLS BATCH [ROUNDS [THREADS]]");
            System.exit(2);
        }
        String type = a[2];
        int rows = Integer.parseInt(a[3]), cols = Integer.parseInt(a[4]), batch = Integer.parseInt(a[5]);
        int rounds = a.length > 6 ? Integer.parseInt(a[6]) : 7;
        int threads = a.length > 7 ? Integer.parseInt(a[7]) : 2;
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        Random r = new Random(1);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian() * 0.05f;
        }
        float[] x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        Build[] builds = new Build[2];
        Arena arena = Arena.ofShared();
        for (int j = 0; j < 2; j++) {
            ClassLoader cl = new URLClassLoader(new URL[]{Path.of(a[j]).toUri().toURL()}, KernelAB.class.getClassLoader());
            Class<?> gt = cl.loadClass("dev.sirocco.engine.tensor.GgmlType");
            Class<?> tc = cl.loadClass("dev.sirocco.engine.tensor.Tensor");
            Object t = gt.getMethod("valueOf", String.class).invoke(null, type);
            MemorySegment seg = arena.allocate((long) gt.getMethod("bytesFor", long.class).invoke(t, (long) rows * cols), 64);
            cl.loadClass("dev.sirocco.engine.tensor.quant.Quantizer")
                    .getMethod("quantize", gt, float[].class, int.class, int.class, MemorySegment.class, long.class)
                    .invoke(null, t, w, 0, w.length, seg, 0L);
            Object tensor = tc.getConstructor(String.class, gt, long[].class, MemorySegment.class)
                    .newInstance("w", t, new long[]{cols, rows}, seg);
            Class<?> pc = cl.loadClass("dev.sirocco.engine.tensor.Parallel");
            Object parallel = pc.getConstructor(int.class).newInstance(threads);
            Class<?> vk = cl.loadClass("dev.sirocco.engine.tensor.simd.VectorKernels");
            Object kernels = vk.getConstructor(pc).newInstance(parallel);
            builds[j] = new Build(kernels, vk.getMethod("matmul", tc, float[].class, float[].class, int.class), tensor);
        }
        float[][] outs = {new float[batch * rows], new float[batch * rows]};
        for (int j = 0; j < 2; j++) {
            long end = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < end) {
                call(builds[j], x, outs[j], batch);
            }
        }
        int diff = 0;
        for (int i = 0; i < outs[0].length; i++) {
            diff += Float.floatToRawIntBits(outs[0][i]) != Float.floatToRawIntBits(outs[1][i]) ? 1 : 0;
        }
        System.out.printf("%s %dx%d batch %d, %d thread(s), %s: %d outputs differ between A and B%n", type, rows, cols, batch,
                threads, threads == 1 ? "CPU time" : "wall time", diff);
        double[][] ms = new double[2][rounds];
        double[] ratio = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            for (int j = 0; j < 2; j++) {
                long t0 = System.nanoTime();
                long c0 = cpu.getCurrentThreadCpuTime();
                int n = 0;
                while (System.nanoTime() - t0 < 700_000_000L || n < 2) {
                    call(builds[j], x, outs[j], batch);
                    n++;
                }
                long spent = threads == 1 ? cpu.getCurrentThreadCpuTime() - c0 : System.nanoTime() - t0;
                ms[j][round] = spent / 1e6 / n;
            }
            ratio[round] = ms[0][round] / ms[1][round];
            System.out.printf("round %d: A %.2f ms  B %.2f ms  A/B %.2f%n", round, ms[0][round], ms[1][round], ratio[round]);
        }
        Arrays.sort(ratio);
        Arrays.sort(ms[0]);
        Arrays.sort(ms[1]);
        System.out.printf("median: A %.2f ms, B %.2f ms, A/B %.2f; B %.1f GMAC/s%n", ms[0][rounds / 2], ms[1][rounds / 2],
                ratio[rounds / 2], (double) rows * cols * batch / ms[1][rounds / 2] / 1e6);
        System.exit(0);
    }

    private static void call(Build b, float[] x, float[] out, int batch) throws Exception {
        b.matmul.invoke(b.kernels, b.tensor, x, out, batch);
    }
}
