import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * What 8- and 16-bit integer products cost a JVM here, against float multiply-adds: the measurement behind
 * "Prompt processing is arithmetic-bound" in docs/benchmarks.md. llama.cpp multiplies 8-bit activations by
 * 8-bit weights with vpdpbusd (64 products per instruction); the Vector API has no integer multiply-add, and
 * C2's auto-vectorizer emits one (vpdpwssd) only for a loop that reads and writes memory every step.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector bench/probes/IntegerProducts.java} (JDK 25).
 * To see the instructions: add {@code -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,IntegerProducts::*}
 * with an hsdis library (Debian: libhsdis0-fcml).
 */
public class IntegerProducts {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

    /** The only integer multiply-add C2 vectorizes (to vpmaddwd, or vpdpwssd with AVX512-VNNI): pairs into memory. */
    static void pairMadd(short[] a, short[] b, int[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
    }

    /** A dot product of bytes: a plain reduction, left scalar by C2. */
    static int byteDot(byte[] a, byte[] b, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Float multiply-adds with eight accumulators in registers, one broadcast weight per pair of steps, as the tiles. */
    static float floatFma(float[] x, float[] w, int n) {
        int l = FS.length();
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i + 2 * l <= n; i += 2 * l) {
            FloatVector x0 = FloatVector.fromArray(FS, x, i);
            FloatVector x1 = FloatVector.fromArray(FS, x, i + l);
            int k = (i / l) & 63;
            a0 = FloatVector.broadcast(FS, w[k]).fma(x0, a0);
            a1 = FloatVector.broadcast(FS, w[k]).fma(x1, a1);
            a2 = FloatVector.broadcast(FS, w[k + 64]).fma(x0, a2);
            a3 = FloatVector.broadcast(FS, w[k + 64]).fma(x1, a3);
            a4 = FloatVector.broadcast(FS, w[k + 128]).fma(x0, a4);
            a5 = FloatVector.broadcast(FS, w[k + 128]).fma(x1, a5);
            a6 = FloatVector.broadcast(FS, w[k + 192]).fma(x0, a6);
            a7 = FloatVector.broadcast(FS, w[k + 192]).fma(x1, a7);
        }
        return a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7))).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    public static void main(String[] args) {
        int n = 4096;
        short[] a = new short[2 * n];
        short[] b = new short[2 * n];
        byte[] c = new byte[n];
        byte[] d = new byte[n];
        int[] out = new int[n];
        float[] x = new float[n];
        float[] w = new float[256];
        for (int i = 0; i < 2 * n; i++) {
            a[i] = (short) (i % 15);
            b[i] = (short) (i % 255 - 127);
        }
        for (int i = 0; i < n; i++) {
            c[i] = (byte) i;
            d[i] = (byte) (7 * i);
            x[i] = i % 31;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = i % 13;
        }
        long sink = 0;
        int reps = 200_000;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                pairMadd(a, b, out, n);
            }
            long t1 = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                sink += byteDot(c, d, n);
            }
            long t2 = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                sink += (long) floatFma(x, w, n);
            }
            long t3 = System.nanoTime();
            // products per nanosecond: pairMadd does 2n, byteDot n, floatFma 4n (four weights per activation)
            System.out.printf("round %d: int16 pair multiply-add into memory %.1f products/ns, int8 dot %.1f, float FMA tile %.1f%n",
                    round, 2.0 * n * reps / (t1 - t0), 1.0 * n * reps / (t2 - t1), 4.0 * n * reps / (t3 - t2));
        }
        System.out.println(sink + out[7]);
    }
}
