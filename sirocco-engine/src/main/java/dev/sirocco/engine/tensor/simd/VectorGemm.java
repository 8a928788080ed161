package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.FloatGemm;
import dev.sirocco.engine.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.function.IntConsumer;

/**
 * The vector {@code Kernels#gemm}: {@code C (rows, n) (+)= A (rows, depth) . B (depth, n)} with register tiles of
 * 4 rows of C by 3 vectors of columns (12 accumulators; per step of {@code p}, 3 loads of B and 4 broadcasts of A feed
 * 12 fused multiply-adds), so the FMA units are not waiting on one accumulator chain as in a dot product. Tasks are
 * (column panel, row block) pairs over a {@link Parallel}; each element of C is summed by one task in {@code p}
 * order, so results do not depend on the thread count. Runs at the platform's preferred width whatever width the
 * dot-product kernels are forced to: the species must be a constant for C2 to compile vectors to registers (a species
 * in a field boxes every vector, ~30x slower).
 */
final class VectorGemm implements IntConsumer {
    /** Rows of C per task at most (fewer for narrow products): the task walks them over one column panel of B. */
    private static final int ROW_BLOCK = 128;
    /** Steps of p per pass over a tile: 64 rows of a 3-vector panel of B are 12 KiB at 512 bits, L1-resident. */
    private static final int DEPTH_BLOCK = 64;
    /**
     * Steps of p per parallel pass when there are several column panels: a task's rows of A for one pass are
     * ROW_BLOCK x SLICE floats (128 KiB), read again for each panel from L2.
     */
    private static final int SLICE = 256;

    private static final VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
    private static final int lanes = s.length();
    private static final int panel = 3 * lanes;
    /** Each thread's packed slice of a B panel (DEPTH_BLOCK x panel floats), by {@link Parallel#slot()}. */
    private float[][] packed = new float[0][];
    private Parallel parallel;

    // The call in progress (one at a time, as for the other kernels):
    private int rows;
    private int n;
    private int depth;
    private float[] a;
    private int aOffset;
    private int aRowStride;
    private int aColStride;
    private float[] b;
    private int bOffset;
    private int bRowStride;
    private float[] c;
    private int cOffset;
    private int cRowStride;
    private boolean accumulate;
    private int rowBlock;
    private int rowBlocks;
    private int sliceFrom;
    private int sliceTo;


    void run(Parallel parallel, int rows, int n, int depth, float[] a, int aOffset, int aRowStride, int aColStride,
             float[] b, int bOffset, int bRowStride, float[] c, int cOffset, int cRowStride, boolean accumulate) {
        FloatGemm.checkShapes(rows, n, depth, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, c, cOffset, cRowStride);
        if (rows == 0 || n == 0) {
            return;
        }
        if (packed.length < parallel.threads()) {
            packed = new float[parallel.threads()][];
            for (int i = 0; i < packed.length; i++) {
                packed[i] = new float[DEPTH_BLOCK * panel];
            }
        }
        this.parallel = parallel;
        this.rows = rows;
        this.n = n;
        this.depth = depth;
        this.a = a;
        this.aOffset = aOffset;
        this.aRowStride = aRowStride;
        this.aColStride = aColStride;
        this.b = b;
        this.bOffset = bOffset;
        this.bRowStride = bRowStride;
        this.c = c;
        this.cOffset = cOffset;
        this.cRowStride = cRowStride;
        this.accumulate = accumulate;
        int panels = (n + panel - 1) / panel;
        // Narrow products (a LoRA factor's 8 columns: one panel) would be one task on one thread: cut their rows finer,
        // into multiples of the 4-row tile so no row falls to the one-row kernel that would not otherwise.
        this.rowBlock = ROW_BLOCK;
        int wanted = 2 * parallel.threads();
        if (panels * ((rows + ROW_BLOCK - 1) / ROW_BLOCK) < wanted) {
            int perTask = (rows + (wanted + panels - 1) / panels - 1) / ((wanted + panels - 1) / panels);
            this.rowBlock = Math.min(ROW_BLOCK, Math.max(4, (perTask + 3) & ~3));
        }
        this.rowBlocks = (rows + rowBlock - 1) / rowBlock;
        try {
            // Depth in passes of SLICE over all tasks: a task then reads only its rows' SLICE of A, which stays in L2
            // across the column panels (over the whole depth, A's rows were read again from memory for every panel).
            int p0 = 0;
            do {
                sliceFrom = p0;
                sliceTo = panels == 1 ? depth : Math.min(depth, p0 + SLICE); // one panel: nothing to share A with
                parallel.forEach(panels * rowBlocks, this);
                p0 = sliceTo;
            } while (p0 < depth);
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
        }
    }

    @Override
    public void accept(int task) {
        int j0 = task / rowBlocks * panel;
        int j1 = Math.min(n, j0 + panel);
        int m0 = task % rowBlocks * rowBlock;
        int m1 = Math.min(rows, m0 + rowBlock);
        // Depth in slices; each slice of the task's B panel is first packed into a contiguous (slice, width) block, so
        // the tiles stream it from L1 whatever B's row stride (a stride of 4 KiB, common here, maps every row of an
        // unpacked panel to the same few L1 sets: 3-4x slower).
        int w = j1 - j0;
        float[] pk = packed[parallel.slot()];
        int p0 = sliceFrom;
        do {
            int p1 = Math.min(sliceTo, p0 + DEPTH_BLOCK);
            for (int p = p0; p < p1; p++) {
                System.arraycopy(b, bOffset + p * bRowStride + j0, pk, (p - p0) * w, w);
            }
            boolean add = accumulate || p0 > 0;
            int m = m0;
            for (; m + 4 <= m1; m += 4) {
                int j = j0;
                if (j + panel <= j1) {
                    tile4x3(m, p0, p1, add, pk, j - j0, w, j);
                    j += panel;
                }
                for (; j + lanes <= j1; j += lanes) {
                    tile4x1(m, p0, p1, add, pk, j - j0, w, j);
                }
                if (j < j1) {
                    tile4xPart(m, p0, p1, add, pk, j - j0, w, j, s.indexInRange(j, j1));
                }
            }
            for (; m < m1; m++) {
                int j = j0;
                for (; j + lanes <= j1; j += lanes) {
                    tile1x1(m, p0, p1, add, pk, j - j0, w, j);
                }
                if (j < j1) {
                    tile1xPart(m, p0, p1, add, pk, j - j0, w, j, s.indexInRange(j, j1));
                }
            }
            p0 = p1;
        } while (p0 < sliceTo);
    }

    private int aAt(int m, int p) {
        return aOffset + m * aRowStride + p * aColStride;
    }

    private void tile4x3(int m, int p0, int p1, boolean add, float[] pk, int bi, int bs, int j) {
        FloatVector c00 = FloatVector.zero(s), c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        int a0 = aAt(m, p0);
        int rs = aRowStride;
        int cs = aColStride;
        for (int p = p0; p < p1; p++, a0 += cs, bi += bs) {
            FloatVector b0 = FloatVector.fromArray(s, pk, bi);
            FloatVector b1 = FloatVector.fromArray(s, pk, bi + lanes);
            FloatVector b2 = FloatVector.fromArray(s, pk, bi + 2 * lanes);
            FloatVector x = FloatVector.broadcast(s, a[a0]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            x = FloatVector.broadcast(s, a[a0 + rs]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            x = FloatVector.broadcast(s, a[a0 + 2 * rs]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            x = FloatVector.broadcast(s, a[a0 + 3 * rs]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
        }
        int ci = cOffset + m * cRowStride + j;
        store(add, c00, ci);
        store(add, c01, ci + lanes);
        store(add, c02, ci + 2 * lanes);
        ci += cRowStride;
        store(add, c10, ci);
        store(add, c11, ci + lanes);
        store(add, c12, ci + 2 * lanes);
        ci += cRowStride;
        store(add, c20, ci);
        store(add, c21, ci + lanes);
        store(add, c22, ci + 2 * lanes);
        ci += cRowStride;
        store(add, c30, ci);
        store(add, c31, ci + lanes);
        store(add, c32, ci + 2 * lanes);
    }

    private void tile4x1(int m, int p0, int p1, boolean add, float[] pk, int bi, int bs, int j) {
        FloatVector c0 = FloatVector.zero(s), c1 = c0, c2 = c0, c3 = c0;
        int a0 = aAt(m, p0);
        int rs = aRowStride;
        for (int p = p0; p < p1; p++, a0 += aColStride, bi += bs) {
            FloatVector bv = FloatVector.fromArray(s, pk, bi);
            c0 = bv.fma(FloatVector.broadcast(s, a[a0]), c0);
            c1 = bv.fma(FloatVector.broadcast(s, a[a0 + rs]), c1);
            c2 = bv.fma(FloatVector.broadcast(s, a[a0 + 2 * rs]), c2);
            c3 = bv.fma(FloatVector.broadcast(s, a[a0 + 3 * rs]), c3);
        }
        int ci = cOffset + m * cRowStride + j;
        store(add, c0, ci);
        store(add, c1, ci + cRowStride);
        store(add, c2, ci + 2 * cRowStride);
        store(add, c3, ci + 3 * cRowStride);
    }

    private void tile1x1(int m, int p0, int p1, boolean add, float[] pk, int bi, int bs, int j) {
        FloatVector acc = FloatVector.zero(s);
        int a0 = aAt(m, p0);
        for (int p = p0; p < p1; p++, a0 += aColStride, bi += bs) {
            acc = FloatVector.fromArray(s, pk, bi).fma(FloatVector.broadcast(s, a[a0]), acc);
        }
        store(add, acc, cOffset + m * cRowStride + j);
    }

    /**
     * {@link #tile4x1} over the last columns, fewer than a vector ({@code part} marks them): the same fused steps in
     * the same p order, so each element rounds exactly as in a full tile (a scalar loop here was 16x slower per
     * column, and widths like 255 spent half their time in it).
     */
    private void tile4xPart(int m, int p0, int p1, boolean add, float[] pk, int bi, int bs, int j, VectorMask<Float> part) {
        FloatVector c0 = FloatVector.zero(s), c1 = c0, c2 = c0, c3 = c0;
        int a0 = aAt(m, p0);
        int rs = aRowStride;
        for (int p = p0; p < p1; p++, a0 += aColStride, bi += bs) {
            FloatVector bv = FloatVector.fromArray(s, pk, bi, part);
            c0 = bv.fma(FloatVector.broadcast(s, a[a0]), c0);
            c1 = bv.fma(FloatVector.broadcast(s, a[a0 + rs]), c1);
            c2 = bv.fma(FloatVector.broadcast(s, a[a0 + 2 * rs]), c2);
            c3 = bv.fma(FloatVector.broadcast(s, a[a0 + 3 * rs]), c3);
        }
        int ci = cOffset + m * cRowStride + j;
        storePart(add, c0, ci, part);
        storePart(add, c1, ci + cRowStride, part);
        storePart(add, c2, ci + 2 * cRowStride, part);
        storePart(add, c3, ci + 3 * cRowStride, part);
    }

    private void tile1xPart(int m, int p0, int p1, boolean add, float[] pk, int bi, int bs, int j, VectorMask<Float> part) {
        FloatVector acc = FloatVector.zero(s);
        int a0 = aAt(m, p0);
        for (int p = p0; p < p1; p++, a0 += aColStride, bi += bs) {
            acc = FloatVector.fromArray(s, pk, bi, part).fma(FloatVector.broadcast(s, a[a0]), acc);
        }
        storePart(add, acc, cOffset + m * cRowStride + j, part);
    }

    private void storePart(boolean add, FloatVector v, int ci, VectorMask<Float> part) {
        (add ? v.add(FloatVector.fromArray(s, c, ci, part)) : v).intoArray(c, ci, part);
    }

    private void store(boolean add, FloatVector v, int ci) {
        (add ? v.add(FloatVector.fromArray(s, c, ci)) : v).intoArray(c, ci);
    }
}
