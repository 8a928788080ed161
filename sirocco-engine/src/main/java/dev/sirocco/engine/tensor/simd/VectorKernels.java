package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.engine.tensor.RepackedWeights;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.ActivationQuantizer;
import dev.sirocco.engine.tensor.quant.BlockCodec;
import dev.sirocco.engine.tensor.quant.Codecs;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;

/**
 * The Vector API {@link Kernels}: rounds activations with {@link ActivationQuantizer} exactly as
 * {@code ScalarKernels} does (so we keep matching llama.cpp), then takes vector dot products with the
 * weights, output rows spread over a {@link Parallel}.
 *
 * <p>Vector kernels: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K. Q2_K and Q3_K use
 * their scalar codec dot on the same rounded activations.
 *
 * <p>Batches of Q4_0 and Q4_K (repacked) from 8 rows, Q6_K from 5, Q8_0 from 6 and F32/F16/BF16 from 16 go through
 * token-major tiles ({@link #tokenTiled}): the activation rows are transposed once into tiles of
 * {@link #tileTokens} rows (two float vectors, one, or one half-width vector for the server's small batches), the
 * vector lanes, and each weight is unpacked once per tile and broadcast against it, in the same float order as the
 * row kernels (bit-identical).
 *
 * <p>Not thread-safe, like {@code ScalarKernels}: one matmul at a time per instance. Once its scratch buffers
 * have grown to the largest shape seen, a matmul allocates only one heap buffer of weight rows (at most
 * 64 KiB, or one row) per chunk of rows (F16: two rows as halves and as floats), plus a few KiB of tile scratch,
 * short-lived garbage that keeps the threads from sharing a buffer.
 */
public final class VectorKernels implements Kernels {
    private static final int CHUNKS_PER_THREAD = 4;
    /** Bytes of weight rows copied to the heap at a time (fits L2 beside a tile's activations). */
    private static final int GROUP_BYTES = 64 * 1024;
    /**
     * Bytes of repacked Q4_K rows copied to the heap at a time for the two-row decode kernel: one copy of about
     * 16 KiB (14 rows of 2048 columns) stays in L1 and streams better than one copy per pair.
     */
    private static final int Q4K_PAIR_GROUP = 16 * 1024;
    /** Gemm rows from which a product of any type uses the token-major tile kernels; 0: {@link #minTileRows}' defaults. */
    static final int MIN_TILE_ROWS = Integer.getInteger("sirocco.minTileRows", 0);
    /**
     * Forces one tile size (activation rows per tile: the full tile, a half or at 512 bits a quarter) and the tiles
     * for every batch of at least four rows, for measuring the shapes against each other; 0: chosen by batch.
     */
    private static final int FORCED_TILE_TOKENS = Integer.getInteger("sirocco.tileTokens", 0);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_AT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT_AT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private final Parallel parallel;
    private final int minTileRows;
    /** The tile size of every batch (0: chosen by batch, see {@link #tileTokens}); with it, tiles from four rows. */
    private final int forcedTileTokens;
    private final VectorDots dots;
    /** Half-width kernels for tiles of a quarter of {@code dots}' full tile (8 rows at 512 bits), or null. */
    private final VectorDots narrowDots;
    private final RowTask rowTask = new RowTask();
    private final ActTask actTask = new ActTask();
    private final VectorGemm gemm;
    // Scratch, grown on demand: the rounded activations as bytes, and expanded to floats.
    private byte[] scratch = new byte[0];
    private MemorySegment scratchSegment = MemorySegment.ofArray(scratch);
    /** (batch, cols): activation values (F16/BF16) or quants (Q8_0/Q8_K) as floats. */
    private float[] actValues = new float[0];
    /** (batch, blocks): per-block activation scales. */
    private float[] actScales = new float[0];
    /** (batch, blocks): Q8_1 per-block f16 d * sum(q). */
    private float[] actOffsets = new float[0];
    /** (batch, blocks, 8): Q8_K sums of each 32 quants (pairs of its 16-quant block sums). */
    private int[] actSums = new int[0];
    /** The gemm rows of the batch again, token-major in tiles of T = tileTokens rows: (tile, cols, T). */
    private float[] tileValues = new float[0];
    /** (tile, blocks, T): block scales, token-major. */
    private float[] tileScales = new float[0];
    /** (tile, blocks, 8, T): Q8_K sums of each 32 quants as floats, token-major. */
    private float[] tileSums = new float[0];
    private final TileTask tileTask = new TileTask();

    /** Kernels at the platform's preferred vector width (at least 128 bits; the narrowest paths need 8 byte lanes). */
    public VectorKernels(Parallel parallel) {
        this(parallel, preferredBits());
    }

    /**
     * Kernels at the preferred width for an engine that decodes up to {@code sequences} sequences together: when
     * those batches fill most of half a tile, every quantized batch takes tiles of that size.
     */
    public static VectorKernels forSequences(Parallel parallel, int sequences) {
        return new VectorKernels(parallel, preferredBits(), MIN_TILE_ROWS, FORCED_TILE_TOKENS, sequences);
    }

    private static int preferredBits() {
        return Math.max(128, FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    /** Kernels at the width of a float {@code species} of 128, 256 or 512 bits (64 is too narrow for the byte paths). */
    public VectorKernels(Parallel parallel, VectorSpecies<Float> species) {
        this(parallel, species.vectorBitSize());
    }

    /** Kernels at a forced width of {@code bits} = 128, 256 or 512. */
    public VectorKernels(Parallel parallel, int bits) {
        this(parallel, bits, MIN_TILE_ROWS, FORCED_TILE_TOKENS);
    }

    /**
     * Kernels at {@code bits} whose batches take the tiles from {@code minTileRows} rows, in tiles of
     * {@code tileTokens} rows (0: chosen by batch, see {@link #tileTokens}).
     */
    VectorKernels(Parallel parallel, int bits, int minTileRows, int tileTokens) {
        this(parallel, bits, minTileRows, tileTokens, 1);
    }

    /** As above, for an engine that decodes up to {@code sequences} sequences together (see {@link #tileTokens}). */
    VectorKernels(Parallel parallel, int bits, int minTileRows, int tileTokens, int sequences) {
        this.minTileRows = minTileRows;
        this.parallel = parallel;
        this.dots = VectorDots.forBits(bits);
        this.narrowDots = bits == 512 ? VectorDots.forBits(256) : null;
        int full = dots.tileTokens();
        // An engine whose decode batches fill most of half a tile (a server with --parallel 9 to 16 at 512 bits)
        // takes half tiles for every quantized batch from four rows, prompts included, so one tile kernel per type
        // runs in the JVM: at 16 streams 17.6 -> 19.4 tokens/s. (At 4 streams the same made 4-row batches take
        // 16-row tiles, 10.0 -> 8.4.) Tile sizes chosen by batch (full tiles for prefill, half for decode) put both
        // Q4_K kernels in one JVM, and there the server collapsed (docs/benchmarks.md, serving section).
        boolean halfTiles = sequences > full / 4 && sequences <= full / 2;
        this.forcedTileTokens = tileTokens == 0 && halfTiles ? full / 2 : tileTokens;
        if (tileTokens != 0 && tileTokens != full && tileTokens != full / 2 && (narrowDots == null || tileTokens != full / 4)) {
            throw new IllegalArgumentException("tile of " + tileTokens + " rows at " + bits + " bits: use " + full + ", "
                    + full / 2 + (narrowDots != null ? " or " + full / 4 : "") + " (sirocco.tileTokens), or 0 to choose by batch");
        }
        this.gemm = new VectorGemm();
    }

    /** The float species the kernels run at. */
    public VectorSpecies<Float> species() {
        return dots.species();
    }

    /**
     * Whether {@code type} has a four-activation-row kernel that decodes each weight block once for the four. Q4_0
     * and Q4_K have one only in the repacked order (RepackedWeights): the weights llama.cpp leaves unpacked (rows
     * not a multiple of 8, rare in real models) take its vec_dot lanes, row by row.
     */
    static boolean hasTiledKernel(GgmlType type, boolean repacked) {
        return switch (type) {
            case Q8_0, Q6_K -> true;
            case Q4_0, Q4_K -> repacked;
            default -> false;
        };
    }

    /** Whether {@code type} has a vector kernel here (else matmul uses the scalar codec dot). */
    public static boolean hasVectorKernel(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K -> true;
            default -> false;
        };
    }

    @Override
    public void matmul(Tensor weight, float[] x, float[] out, int batch) {
        BlockCodec codec = Codecs.of(weight.type());
        GgmlType actType = codec.vecDotType();
        if (actType == null) {
            throw new UnsupportedOperationException(weight.type() + " is not a weight format");
        }
        int cols = weight.rowLength();
        int rows = Math.toIntExact(weight.rows());
        if (batch < 0 || x.length < (long) batch * cols || out.length < (long) batch * rows) {
            throw new IllegalArgumentException("matmul " + weight + " batch " + batch + ": x has " + x.length
                    + " floats (needs " + (long) batch * cols + "), out has " + out.length + " (needs " + (long) batch * rows + ")");
        }
        boolean repacked = RepackedWeights.isRepacked(weight.type(), rows);
        RowTask t = rowTask;
        t.type = weight.type();
        t.repacked = repacked;
        t.codec = codec;
        t.cols = cols;
        t.blocks = cols / actType.blockSize();
        if (weight.type() == GgmlType.F32) {
            // F32 activations are used as they are (ActivationQuantizer's F32 rounding is the identity).
            t.values = x;
        } else {
            // x: (batch, cols) -> act: batch rows of cols in actType, each actRowBytes long
            long actRowBytes = actType.bytesFor(cols);
            MemorySegment act = scratch(Math.multiplyExact(actRowBytes, batch));
            boolean vector = hasVectorKernel(weight.type());
            if (vector) {
                reserve(actType, cols, batch);
            }
            // One activation row per task: rounding and widening a prompt's rows is serial work otherwise.
            ActTask a = actTask;
            a.type = actType;
            a.x = x;
            a.cols = cols;
            a.act = act;
            a.actRowBytes = actRowBytes;
            a.expand = vector;
            a.repacked = repacked;
            a.batch = batch;
            try {
                parallel.forEach(batch, a);
            } finally {
                a.x = null;
            }
            t.act = act;
            t.actRowBytes = actRowBytes;
            t.values = actValues;
        }
        // Repacked weights: llama.cpp's gemm takes the first batch - batch % 4 rows, gemv the rest; others are row-wise.
        int gemmRows = repacked ? batch - batch % 4 : batch;
        t.gemmRows = gemmRows;
        t.tileTokens = tileTokens(weight.type(), gemmRows);
        t.tileDots = t.tileTokens < dots.tileTokens() / 2 ? narrowDots : dots;
        t.tiles = tokenTiled(weight.type(), repacked, rows, cols, gemmRows) ? (gemmRows + t.tileTokens - 1) / t.tileTokens : 0;
        if (t.tiles > 0) {
            transposeTiles(t.values, cols, t.blocks, gemmRows, t.tiles, t.tileTokens, actType.isQuantized(),
                    actType == GgmlType.Q8_K && repacked);
            t.tileValues = tileValues;
            t.tileScales = tileScales;
            t.tileSums = tileSums;
        }
        t.scales = actScales;
        t.sums = actSums;
        t.offsets = actOffsets;
        t.dots = dots;
        t.weights = weight.data();
        t.rowBytes = weight.rowBytes();
        t.rows = rows;
        t.batch = batch;
        t.out = out;
        // F32/F16/BF16: llama.cpp's tinyBLAS lanes for batches whose tiles fit, its vec_dot lanes otherwise (ScalarKernels).
        t.gemm = batch >= 2 && rows % 4 == 0 && cols % 8 == 0;
        t.chunk = Math.max(1, (rows + parallel.threads() * CHUNKS_PER_THREAD - 1) / (parallel.threads() * CHUNKS_PER_THREAD));
        if (t.tiles > 0) {
            t.chunk = (t.chunk + 3) & ~3; // whole groups of four rows (the tile kernels' unit)
        }
        try {
            parallel.forEach((rows + t.chunk - 1) / t.chunk, t);
        } finally {
            t.out = null;
            t.weights = null;
            t.values = null;
            t.act = null;
            t.tileValues = null;
        }
    }

    /**
     * Whether a product goes through the token-major tile kernels (repacked Q4_0 and Q4_K, Q6_K, Q8_0, F32/F16/BF16)
     * with {@code gemmRows} rows in them: from {@link #minTileRows} (below, the four-row kernels serve them).
     */
    boolean tokenTiled(GgmlType type, boolean repacked, int rows, int cols, int gemmRows) {
        boolean kernel = switch (type) {
            case Q4_0, Q4_K -> repacked;
            case Q8_0, Q6_K -> true;
            // tinyBLAS's shapes (else llama.cpp takes vec_dot, as RowTask does)
            case F32, F16, BF16 -> rows % 4 == 0 && cols % 8 == 0;
            default -> false;
        };
        return kernel && dots.tiled() && gemmRows >= minTileRows(type);
    }

    /**
     * Gemm rows from which {@code type} takes the tiles: the explicit minimum if one was given (or a forced tile size:
     * then from 4), else where they won by measurement (docs/benchmarks.md, same-run A/B against the four-row kernels
     * at 512 bits): Q6_K from 5 rows (1.4x at 5, 0.7x at 4: the four-row kernel leaves a fifth row to the single-row
     * one), Q8_0 from 6 (1.3x at 6, 1.0x at 5); the repacked Q4_0/Q4_K and F32/F16/BF16 from 16, in full tiles only
     * (for Q4_0/Q4_K see {@link #tileTokens}).
     */
    int minTileRows(GgmlType type) {
        if (minTileRows > 0) {
            return minTileRows;
        }
        if (forcedTileTokens > 0) {
            return 4;
        }
        return switch (type) {
            case Q6_K -> 5;
            case Q8_0 -> 6;
            default -> 16; // Q4_0/Q4_K: see tileTokens
        };
    }

    /**
     * Activation rows per tile for a batch of {@code gemmRows} tiled rows: the smallest of the full tile (two float
     * vectors), one float vector, or one half-width vector (at 512 bits) that holds them all, so a small batch
     * leaves few lanes idle. Q6_K takes tiles of one float vector up to a full tile's rows (at 24 rows of 32, two
     * 16-row tiles: 2.09x and 1.56x against one 32-row tile's 1.60x and 1.10x; Q4_0 and Q4_K lost with them).
     * F32/F16/BF16 take full tiles only.
     */
    int tileTokens(GgmlType type, int gemmRows) {
        int full = dots.tileTokens();
        if (type == GgmlType.F32 || type == GgmlType.F16 || type == GgmlType.BF16) {
            return full;
        }
        if (forcedTileTokens > 0) {
            return forcedTileTokens;
        }
        if (type == GgmlType.Q4_K || type == GgmlType.Q4_0) {
            // Full tiles only (an engine of few sequences forces half tiles, above): choosing by batch, as the other
            // types do, put prefill's full tiles and decode's half tiles in one server JVM, and there it collapsed
            // (16 streams from 14.4 to 2.9 tokens/s; again to 6.9 on 2026-11-23; cause not known: the dispatcher's
            // compiled code first met the half tile only 42 s into that load, so it is not that kernel's own code).
            return full;
        }
        if (narrowDots != null && gemmRows <= full / 4) {
            return full / 4;
        }
        return gemmRows <= full / 2 || type == GgmlType.Q6_K && gemmRows < full ? full / 2 : full;
    }

    /**
     * Copies the batch's first {@code gemmRows} widened activation rows ({@code values}), their scales and Q8_K sums
     * to token-major tiles of {@code tt} rows (the lanes of the tile kernels); lanes past the last row are zero.
     */
    private void transposeTiles(float[] values, int cols, int blocks, int gemmRows, int tiles, int tt, boolean scales,
                                boolean sums) {
        int n = tiles * tt;
        if (tileValues.length < n * cols) {
            tileValues = new float[Math.max(n * cols, tileValues.length * 3 / 2)];
        }
        if (scales && tileScales.length < n * blocks) {
            tileScales = new float[Math.max(n * blocks, tileScales.length * 3 / 2)];
        }
        if (sums && tileSums.length < n * blocks * 8) {
            tileSums = new float[Math.max(n * blocks * 8, tileSums.length * 3 / 2)];
        }
        TileTask task = tileTask;
        task.cols = cols;
        task.blocks = blocks;
        task.gemmRows = gemmRows;
        task.tt = tt;
        task.values = values;
        task.scales = scales;
        task.sums = sums;
        try {
            parallel.forEach(tiles, task);
        } finally {
            task.values = null;
        }
    }

    /** Fills one token-major tile (see {@link #transposeTiles}). */
    private final class TileTask implements IntConsumer {
        int cols;
        int blocks;
        int gemmRows;
        int tt;
        float[] values;
        boolean scales;
        boolean sums;

        @Override
        public void accept(int tile) {
            float[] tv = tileValues;
            float[] ts = tileScales;
            float[] tsum = tileSums;
            for (int t = 0; t < tt; t++) {
                int b = tile * tt + t;
                boolean live = b < gemmRows;
                int vo = tile * tt * cols + t;
                for (int k = 0; k < cols; k++) {
                    tv[vo + k * tt] = live ? values[b * cols + k] : 0f;
                }
                int so = tile * tt * blocks + t;
                for (int i = 0; scales && i < blocks; i++) {
                    ts[so + i * tt] = live ? actScales[b * blocks + i] : 0f;
                }
                int go = tile * tt * blocks * 8 + t;
                for (int g = 0; sums && g < blocks * 8; g++) {
                    tsum[go + g * tt] = live ? actSums[b * blocks * 8 + g] : 0f;
                }
            }
        }
    }

    @Override
    public void gemm(int rows, int n, int depth, float[] a, int aOffset, int aRowStride, int aColStride,
                     float[] b, int bOffset, int bRowStride, float[] c, int cOffset, int cRowStride, boolean accumulate) {
        gemm.run(parallel, rows, n, depth, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, c, cOffset, cRowStride, accumulate);
    }

    @Override
    public void dequantizeRows(Tensor tensor, long from, int count, float[] dst, int dstOffset) {
        int cols = tensor.rowLength();
        parallel.forRange(count, CHUNKS_PER_THREAD, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                dequantizeRow(tensor, from + r, dst, dstOffset + r * cols);
            }
        });
    }

    @Override
    public void dequantizeRow(Tensor tensor, long row, float[] dst, int dstOffset) {
        if (row < 0 || row >= tensor.rows()) {
            throw new IndexOutOfBoundsException("row " + row + " of " + tensor);
        }
        Codecs.of(tensor.type()).dequantize(tensor.data(), row * tensor.rowBytes(), dst, dstOffset, tensor.rowLength());
    }

    /** Grows the widened-activation arrays to hold {@code batch} rows of {@code cols} in {@code actType}. */
    private void reserve(GgmlType actType, int cols, int batch) {
        int blocks = cols / actType.blockSize();
        if (actValues.length < batch * cols) {
            actValues = new float[Math.max(batch * cols, actValues.length * 3 / 2)];
        }
        if (actType.isQuantized() && actScales.length < batch * blocks) {
            actScales = new float[Math.max(batch * blocks, actScales.length * 3 / 2)];
        }
        if (actType == GgmlType.Q8_1 && actOffsets.length < batch * blocks) {
            actOffsets = new float[Math.max(batch * blocks, actOffsets.length * 3 / 2)];
        }
        if (actType == GgmlType.Q8_K && actSums.length < batch * blocks * 8) {
            actSums = new int[Math.max(batch * blocks * 8, actSums.length * 3 / 2)];
        }
    }

    /**
     * Widens rounded activation row {@code b} to floats once per matmul (exact: F16/BF16 values and int8 quants
     * are all floats), so every weight row reuses it: values to {@link #actValues}, scales to
     * {@link #actScales}, Q8_1 offsets to {@link #actOffsets}, Q8_K sums per 32 to {@link #actSums}. Reads the
     * scratch array behind {@code act} directly (plain array reads, not segment accesses).
     */
    private void expandRow(GgmlType actType, long actRowBytes, int cols, int b) {
        byte[] a = scratch;
        int blocks = cols / actType.blockSize();
        int row = Math.toIntExact(b * actRowBytes);
        int v = b * cols;
        float[] values = actValues;
        switch (actType) {
            case F16 -> {
                for (int i = 0; i < cols; i++) {
                    values[v + i] = Float.float16ToFloat((short) SHORT_AT.get(a, row + 2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < cols; i++) {
                    values[v + i] = Float.intBitsToFloat(((short) SHORT_AT.get(a, row + 2 * i)) << 16);
                }
            }
            case Q8_0 -> {
                for (int k = 0; k < blocks; k++) {
                    int blk = row + 34 * k;
                    actScales[b * blocks + k] = Float.float16ToFloat((short) SHORT_AT.get(a, blk));
                    for (int j = 0; j < 32; j++) {
                        values[v + 32 * k + j] = a[blk + 2 + j];
                    }
                }
            }
            case Q8_1 -> {
                for (int k = 0; k < blocks; k++) {
                    int blk = row + 36 * k;
                    actScales[b * blocks + k] = Float.float16ToFloat((short) SHORT_AT.get(a, blk));
                    actOffsets[b * blocks + k] = Float.float16ToFloat((short) SHORT_AT.get(a, blk + 2));
                    for (int j = 0; j < 32; j++) {
                        values[v + 32 * k + j] = a[blk + 4 + j];
                    }
                }
            }
            case Q8_K -> {
                for (int k = 0; k < blocks; k++) {
                    int blk = row + 292 * k;
                    actScales[b * blocks + k] = (float) FLOAT_AT.get(a, blk);
                    for (int j = 0; j < 256; j++) {
                        values[v + 256 * k + j] = a[blk + 4 + j];
                    }
                    // Pairs of the 16 sums, one per 32-element sub-block (the K-quant mins come per 32; exact ints).
                    for (int g = 0; g < 8; g++) {
                        actSums[(b * blocks + k) * 8 + g] = (short) SHORT_AT.get(a, blk + 260 + 4 * g)
                                + (short) SHORT_AT.get(a, blk + 262 + 4 * g);
                    }
                }
            }
            default -> throw new IllegalStateException("no expansion for " + actType);
        }
    }

    /** Rounds activation row {@code b} to the companion format and (for vector kernels) widens it; reused per matmul. */
    private final class ActTask implements IntConsumer {
        GgmlType type;
        float[] x;
        int cols;
        MemorySegment act;
        long actRowBytes;
        boolean expand;
        boolean repacked;
        int batch;

        @Override
        public void accept(int b) {
            ActivationQuantizer.quantize(type, x, b * cols, cols, act, b * actRowBytes, repacked && RepackedWeights.inGemmTile(b, batch));
            if (expand) {
                expandRow(type, actRowBytes, cols, b);
            }
        }
    }

    private MemorySegment scratch(long bytes) {
        if (scratch.length < bytes) {
            scratch = new byte[Math.toIntExact(Math.max(bytes, scratch.length * 3L / 2))];
            scratchSegment = MemorySegment.ofArray(scratch);
        }
        return scratchSegment;
    }

    /**
     * One chunk of output rows; a reused object so a matmul allocates nothing in steady state. Rows are the
     * outer loop and the batch the inner one, so a weight row (at most a few KiB) is read from memory once
     * and served from L1 to the other activation rows of the batch.
     */
    private static final class RowTask implements IntConsumer {
        GgmlType type;
        /** Whether llama.cpp repacks these weights (RepackedWeights): its gemm/gemv float order, not vec_dot's. */
        boolean repacked;
        BlockCodec codec;
        VectorDots dots;
        MemorySegment weights;
        long rowBytes;
        MemorySegment act;
        long actRowBytes;
        float[] values;
        float[] scales;
        int[] sums;
        float[] offsets;
        int cols;
        int blocks;
        int rows;
        int batch;
        float[] out;
        boolean gemm;
        int chunk;
        /** Activation rows that go through llama.cpp's gemm (the rest through gemv): batch - batch % 4. */
        int gemmRows;
        /** Token-major tiles of the gemm rows (0: the four-row kernels serve them), of tileTokens rows each. */
        int tiles;
        int tileTokens;
        /** The kernels whose tiles hold tileTokens rows (one or two of their float vectors). */
        VectorDots tileDots;
        float[] tileValues;
        float[] tileScales;
        float[] tileSums;

        @Override
        public void accept(int c) {
            int from = c * chunk;
            int to = Math.min(rows, from + chunk);
            if (tiles > 0 && (type == GgmlType.F32 || type == GgmlType.F16 || type == GgmlType.BF16)) {
                floatTiles(from, to);
                return;
            }
            if (type == GgmlType.F16) {
                f16Rows(from, to);
                return;
            }
            if (type == GgmlType.F32 || type == GgmlType.BF16) {
                // llama.cpp's exact float lanes (VectorFloatDots): tinyBLAS for batches, vec_dot for one row.
                for (int r = from; r < to; r++) {
                    long w = r * rowBytes;
                    for (int b = 0; b < batch; b++) {
                        int v = b * cols;
                        out[b * rows + r] = type == GgmlType.BF16 ? VectorFloatDots.bf16Dot(weights, w, values, v, cols, gemm)
                                : gemm ? VectorFloatDots.f32Gemm(weights, w, values, v, cols) : VectorFloatDots.f32VecDot(weights, w, values, v, cols);
                    }
                }
                return;
            }
            if (!hasVectorKernel(type)) {
                for (int r = from; r < to; r++) {
                    for (int b = 0; b < batch; b++) {
                        out[b * rows + r] = codec.dot(weights, r * rowBytes, act, b * actRowBytes, cols);
                    }
                }
                return;
            }
            int rb = Math.toIntExact(rowBytes);
            if (tiles > 0) {
                tokenTiles(from, to, rb);
                return;
            }
            boolean tiled = batch >= 4 && dots.tiled() && hasTiledKernel(type, repacked);
            if (!tiled) {
                if (repacked && type == GgmlType.Q4_K && gemmRows == 0) {
                    q4KPairs(from, to, rb);
                    return;
                }
                // Row by row, straight from the mapped weights: the loads of each row interleave with its arithmetic
                // and the hardware prefetchers stream the rows ahead. Copying each row to the heap first, even
                // double-buffered, left the core waiting on the copy's misses (decode 1.09x-1.18x faster in place).
                for (int r = from; r < to; r++) {
                    for (int b = 0; b < batch; b++) {
                        out[b * rows + r] = dot(r * rowBytes, b);
                    }
                }
                return;
            }
            // Batches: rows in groups of about 64 KiB, each copied once; every tile of four activation rows then
            // passes over the group while it sits in L2, and a tile's activations stay in L1/L2 across the group.
            int group = Math.max(1, Math.min(to - from, GROUP_BYTES / rb));
            byte[] buf = new byte[group * rb];
            for (int g = from; g < to; g += group) {
                int n = Math.min(group, to - g);
                MemorySegment.copy(weights, ValueLayout.JAVA_BYTE, g * rowBytes, buf, 0, n * rb);
                int b = 0;
                for (; b + 4 <= batch; b += 4) {
                    for (int r = 0; r < n; r++) {
                        dot4(buf, r * rb, g + r, b);
                    }
                }
                for (; b < batch; b++) {
                    for (int r = 0; r < n; r++) {
                        out[b * rows + g + r] = dot((g + r) * rowBytes, b);
                    }
                }
            }
        }

        /**
         * Repacked Q4_K rows outside gemm tiles, in pairs (dot2: activation loads shared, 1.09x), copied to the heap
         * {@link #Q4K_PAIR_GROUP} bytes at a time. This kernel stays on heap copies: reading the mapped weights in
         * place made Q4_K_M decode slower (6.9 -> 5.5 tokens/s; measured again 2026-11-23: JMH 2.06 -> 2.77 ms per
         * 8192 x 2048 product, one thread), unlike the one-row kernels, which got faster in place. One copy per group
         * decoded 1.03x-1.05x faster than a double-buffered copy per pair (alternated runs, 16 + 64 tokens); a group of
         * 32 KiB was slower again, and the same grouping for Q6_K's one-row kernel was slower than in place.
         */
        private void q4KPairs(int from, int to, int rb) {
            int group = Math.max(2, Math.min(to - from, Q4K_PAIR_GROUP / rb) & ~1);
            byte[] buf = new byte[group * rb];
            for (int g = from; g < to; g += group) {
                int n = Math.min(group, to - g);
                MemorySegment.copy(weights, ValueLayout.JAVA_BYTE, g * rowBytes, buf, 0, n * rb);
                for (int r = 0; r < n; r += 2) {
                    for (int b = 0; b < batch; b++) {
                        if (r + 1 < n) {
                            int s = b * blocks;
                            dots.q4_KRepacked2(buf, r * rb, (r + 1) * rb, values, b * cols, scales, s, sums, 8 * s, blocks, out, b * rows + g + r, b * rows + g + r + 1);
                        } else {
                            out[b * rows + g + r] = dot((g + r) * rowBytes, b);
                        }
                    }
                }
            }
        }

        /**
         * F16 rows {@code from .. to} in llama.cpp's float lanes (VectorFloatDots: tinyBLAS for batches, vec_dot for
         * one row): each weight row is bulk-copied from the segment and widened once to floats by the hardware
         * conversion, then dotted with every activation row. Widening in the dot loop by bit arithmetic cost more
         * than the arithmetic of the dot (BF16's widening is one shift, so it stays there).
         */
        private void f16Rows(int from, int to) {
            short[] halves = new short[cols];
            float[] wf = new float[cols];
            int r = from;
            if (!gemm && cols <= 2 * VectorFloatDots.F16_CHUNK) {
                float[] wf1 = new float[cols];
                for (; r + 2 <= to; r += 2) {
                    MemorySegment.copy(weights, SHORT_LE, r * rowBytes, halves, 0, cols);
                    VectorFloatDots.widenF16(halves, wf, cols);
                    MemorySegment.copy(weights, SHORT_LE, (r + 1) * rowBytes, halves, 0, cols);
                    VectorFloatDots.widenF16(halves, wf1, cols);
                    for (int b = 0; b < batch; b++) {
                        VectorFloatDots.f16Dot2(wf, wf1, values, b * cols, cols, out, b * rows + r, b * rows + r + 1);
                    }
                }
            } else if (!gemm) {
                // Long rows: widened a chunk at a time inside the dot, so the floats stay in L1.
                short[] halves1 = new short[cols];
                float[] w0 = new float[VectorFloatDots.F16_CHUNK];
                float[] w1 = new float[VectorFloatDots.F16_CHUNK];
                for (; r + 2 <= to; r += 2) {
                    MemorySegment.copy(weights, SHORT_LE, r * rowBytes, halves, 0, cols);
                    MemorySegment.copy(weights, SHORT_LE, (r + 1) * rowBytes, halves1, 0, cols);
                    for (int b = 0; b < batch; b++) {
                        VectorFloatDots.f16Dot2(halves, halves1, w0, w1, values, b * cols, cols, out, b * rows + r, b * rows + r + 1);
                    }
                }
            }
            for (; r < to; r++) {
                MemorySegment.copy(weights, SHORT_LE, r * rowBytes, halves, 0, cols);
                VectorFloatDots.widenF16(halves, wf, cols);
                for (int b = 0; b < batch; b++) {
                    out[b * rows + r] = VectorFloatDots.f16Dot(wf, values, b * cols, cols, gemm);
                }
            }
        }

        /**
         * Rows {@code from .. to} with the token-major tiles, then with the gemv rows. Weight rows
         * are copied in groups of about {@link #GROUP_BYTES} and every tile passes over a group while it sits in L2:
         * the weights are read from memory once, a tile's activations are reused by every row of the group.
         */
        private void tokenTiles(int from, int to, int rb) {
            int tt = tileTokens;
            int group = Math.max(4, Math.min(to - from, GROUP_BYTES / rb) & ~3);
            byte[] buf = new byte[group * rb];
            float[] wq = new float[1024];
            float[] res = new float[52 * tt];
            VectorDots td = tileDots;
            for (int g = from; g < to; g += group) {
                int n = Math.min(group, to - g);
                MemorySegment.copy(weights, ValueLayout.JAVA_BYTE, g * rowBytes, buf, 0, n * rb);
                // A last group of rows short of a multiple of four: zero rows (their outputs are dropped) fill it up.
                java.util.Arrays.fill(buf, n * rb, ((n + 3) & ~3) * rb, (byte) 0);
                for (int tile = 0; tile < tiles; tile++) {
                    int live = Math.min(tt, gemmRows - tile * tt);
                    for (int r = 0; r < n; r += 4) {
                        switch (type) {
                            case Q4_K -> td.q4_KRepackedTile(buf, r * rb, rb, tt, tileValues, tile * tt * cols, tileScales,
                                    tile * tt * blocks, tileSums, tile * tt * blocks * 8, blocks, wq, res);
                            case Q4_0 -> td.q4_0Tile(buf, r * rb, rb, tt, tileValues, tile * tt * cols, tileScales, tile * tt * blocks, blocks, wq, res);
                            case Q6_K -> td.q6_KTile(buf, r * rb, rb, tt, tileValues, tile * tt * cols, tileScales, tile * tt * blocks, blocks, wq, res);
                            default -> td.q8_0Tile(buf, r * rb, rb, tt, tileValues, tile * tt * cols, tileScales, tile * tt * blocks, blocks, wq, res);
                        }
                        for (int q = 0; q < Math.min(4, n - r); q++) {
                            for (int t = 0; t < live; t++) {
                                out[(tile * tt + t) * rows + g + r + q] = res[q * tt + t];
                            }
                        }
                    }
                }
                for (int b = gemmRows; b < batch; b++) {
                    for (int r = 0; r < n; r++) {
                        out[b * rows + g + r] = dot((g + r) * rowBytes, b);
                    }
                }
            }
        }

        /**
         * F32/F16/BF16 rows {@code from .. to} (a multiple of four) with the token-major tiles in tinyBLAS's order
         * (every row of such a batch is a gemm row). The weights are widened straight from the mapped segment, a
         * few KiB at a time, so they need no heap copy; groups of rows take every tile while in L2, as in
         * {@link #tokenTiles}.
         */
        private void floatTiles(int from, int to) {
            int tt = tileTokens;
            int kind = type == GgmlType.F32 ? 0 : type == GgmlType.F16 ? 1 : 2;
            int group = Math.max(4, (int) Math.min(to - from, GROUP_BYTES / rowBytes) & ~3);
            float[] wq = new float[1024];
            float[] res = new float[52 * tt];
            for (int g = from; g < to; g += group) {
                int n = Math.min(group, to - g);
                for (int tile = 0; tile < tiles; tile++) {
                    int live = Math.min(tt, gemmRows - tile * tt);
                    for (int r = 0; r < n; r += 4) {
                        tileDots.floatTile(kind, weights, (g + r) * rowBytes, rowBytes, tileValues, tile * tt * cols, cols, wq, res);
                        for (int q = 0; q < 4; q++) {
                            for (int t = 0; t < live; t++) {
                                out[(tile * tt + t) * rows + g + r + q] = res[q * tt + t];
                            }
                        }
                    }
                }
            }
        }

        /** Rows of output {@code r} for activation rows {@code b .. b + 3}, from the weight row at {@code buf[off ..]}. */
        private void dot4(byte[] buf, int off, int r, int b) {
            int v = b * cols;
            int s = b * blocks;
            int o = b * rows + r;
            if (repacked) {
                if (type == GgmlType.Q4_0) {
                    dots.q4_0Repackedx4(buf, off, values, v, cols, scales, s, blocks, blocks, out, o, rows);
                } else {
                    dots.q4_KRepackedx4(buf, off, values, v, cols, scales, s, blocks, sums, 8 * s, 8 * blocks, blocks, out, o, rows);
                }
                return;
            }
            switch (type) {
                case Q8_0 -> dots.q8_0x4(buf, off, values, v, cols, scales, s, blocks, blocks, out, o, rows);
                case Q6_K -> dots.q6_Kx4(buf, off, values, v, cols, scales, s, blocks, blocks, out, o, rows);
                default -> throw new IllegalStateException("no tiled kernel for " + type);
            }
        }

        /** The weight row at {@code weights[off ..]} with activation row {@code b}. */
        private float dot(long off, int b) {
            int v = b * cols;
            int s = b * blocks;
            if (repacked) {
                return type == GgmlType.Q4_0 ? dots.q4_0Repacked(weights, off, values, v, scales, s, blocks)
                        : dots.q4_KRepacked(weights, off, values, v, scales, s, sums, 8 * s, blocks, RepackedWeights.inGemmTile(b, batch));
            }
            return switch (type) {
                case Q8_0 -> dots.q8_0(weights, off, values, v, scales, s, blocks);
                case Q4_0 -> dots.q4_0(weights, off, values, v, scales, s, blocks);
                case Q4_1 -> dots.q4_1(weights, off, values, v, scales, s, offsets, s, blocks);
                case Q5_0 -> dots.q5_0(weights, off, values, v, scales, s, blocks);
                case Q5_1 -> dots.q5_1(weights, off, values, v, scales, s, offsets, s, blocks);
                case Q4_K -> dots.q4_K(weights, off, values, v, scales, s, sums, 8 * s, blocks);
                case Q5_K -> dots.q5_K(weights, off, values, v, scales, s, sums, 8 * s, blocks);
                case Q6_K -> dots.q6_K(weights, off, values, v, scales, s, blocks);
                default -> throw new IllegalStateException("no vector kernel for " + type);
            };
        }
    }
}
