package dev.sirocco.engine.model;

import dev.sirocco.engine.tensor.AttentionKernels;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.engine.tensor.RepackedWeights;
import dev.sirocco.engine.tensor.ScalarKernels;
import dev.sirocco.engine.tensor.Tensor;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The forward pass shared by every architecture: token embedding, then per layer
 * RMSNorm → attention (GQA, RoPE, optional biases, QK-norm, sliding window) → optional post-norm → residual,
 * RMSNorm → gated FFN (dense or mixture of experts) → optional post-norm → residual,
 * then the final norm and the output projection.
 *
 * <p>{@link #forward} processes a batch of consecutive tokens of one sequence in one pass, so the
 * weights are read once per batch, not once per token. Buffers are allocated once for
 * {@code maxBatch} tokens; one forward pass at a time per instance.
 */
public final class Transformer {
    private final ModelConfig c;
    private final ModelWeights w;
    private final Kernels kernels;
    private final Parallel parallel;
    private final int maxBatch;
    private final Rope[] ropes;        // per layer: rope base and factors differ between sliding and global layers
    private final Tensor[][][] expertViews; // [layer][0=gate,1=up,2=down][expert]: 2-D slices of the expert tensors

    // Activations, (maxBatch, width) row-major.
    private final float[] x;       // residual stream (batch, dim)
    private final float[] xb;      // normed input (batch, dim)
    private final float[] q;       // (batch, heads * headDim)
    private final float[] k;       // (batch, kvHeads * headDim)
    private final float[] v;       // (batch, kvHeads * valueHeadDim)
    private final float[] att;     // (batch, heads * valueHeadDim)
    private final float[] proj;    // (batch, dim)
    private final float[] hb;      // (batch, ffn)
    private final float[] hb2;     // (batch, ffn)
    private final float[] cos;
    private final float[] sin;
    private final float[][] scores; // per head: attention weights over the context
    private final float[][] valueAcc; // per head: (32, valueHeadDim) lane accumulators of the KQV sum
    private final FlashAttention[] flash; // per head, for Q8_0 KV caches (made on first use)
    private final float[][] widenedKeys;   // per thread slot: an F16 cache's keys of one head as floats (grown on use)
    private final float[][] widenedValues; // per thread slot: its values
    private final AttentionKernels attention;
    private final HeadTask headTask;
    private final Batch single; // the one-sequence batch of forward(tokens, ...), reused
    // MoE routing scratch
    private final float[] routerLogits; // (batch, experts)
    private final int[] chosen;         // (batch, expertsUsed)
    private final float[] chosenWeight; // (batch, expertsUsed)
    private final float[] expertIn;     // (batch, dim) gathered rows for one expert
    private final float[] expertOut;    // (batch, dim)
    private final int[] expertRows;
    private final float[] rowIn;  // (max(dim, ffn)) one row for F32/F16/BF16 experts
    private final float[] rowOut; // (max(dim, ffn))
    // LoRA scratch, empty without adapters
    private final float[] loraMid; // (batch, max rank): A x
    private final float[] loraOut; // (batch, max out): B (A x)
    // per-sequence adapters (Batch segments with an AdapterSet): grown on first use
    private float[] segIn = new float[0];   // (segment rows, in)
    private float[] segMid = new float[0];  // (segment rows, rank)
    private float[] segOut = new float[0];  // (segment rows, out)
    private Batch current;      // the batch of the running pass
    private boolean compacted;  // its last feed-forward block runs one row per segment

    public Transformer(ModelConfig c, ModelWeights w, Kernels kernels, Parallel parallel, int maxBatch, int maxContext) {
        this(c, w, kernels, AttentionKernels.create(kernels instanceof ScalarKernels), parallel, maxBatch, maxContext);
    }

    /** With explicit attention kernels (the other constructor pairs scalar with scalar, vector with vector). */
    public Transformer(ModelConfig c, ModelWeights w, Kernels kernels, AttentionKernels attention, Parallel parallel,
                       int maxBatch, int maxContext) {
        this.attention = attention;
        this.c = c;
        this.w = w;
        this.kernels = kernels;
        this.parallel = parallel;
        this.maxBatch = maxBatch;
        this.single = new Batch(maxBatch, 1);
        this.ropes = new Rope[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            boolean swa = c.isSlidingWindowLayer(l);
            ropes[l] = Rope.of(c.architecture().ropeStyle(), c.ropeDim(),
                    swa ? c.ropeBaseSwa() : c.ropeBase(), swa ? 1f : c.ropeScale(), w.layers().get(l).ropeFreqs());
        }
        this.expertViews = new Tensor[c.layers()][][];
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights lw = w.layers().get(l);
            if (lw.hasExperts()) {
                expertViews[l] = new Tensor[][]{split(lw.gateExperts()), split(lw.upExperts()), split(lw.downExperts())};
            }
        }
        int ffn = Math.max(c.ffnDim(), 1);
        x = new float[maxBatch * c.dim()];
        xb = new float[maxBatch * c.dim()];
        q = new float[maxBatch * c.qDim()];
        k = new float[maxBatch * c.kvDim()];
        v = new float[maxBatch * c.vDim()];
        att = new float[maxBatch * c.heads() * c.valueHeadDim()];
        proj = new float[maxBatch * c.dim()];
        hb = new float[maxBatch * ffn];
        hb2 = new float[maxBatch * ffn];
        cos = new float[c.ropeDim() / 2];
        sin = new float[c.ropeDim() / 2];
        scores = new float[c.heads()][maxContext];
        valueAcc = new float[c.heads()][AttentionKernels.VEC_DOT_LANES * c.valueHeadDim()];
        flash = new FlashAttention[c.heads()];
        widenedKeys = new float[parallel.threads()][0];
        widenedValues = new float[parallel.threads()][0];
        headTask = new HeadTask();
        int experts = Math.max(c.experts(), 1);
        int used = Math.max(c.expertsUsed(), 1);
        routerLogits = new float[maxBatch * experts];
        chosen = new int[maxBatch * used];
        chosenWeight = new float[maxBatch * used];
        expertIn = new float[maxBatch * c.dim()];
        expertOut = new float[maxBatch * c.dim()];
        expertRows = new int[maxBatch];
        rowIn = new float[Math.max(c.dim(), ffn)];
        rowOut = new float[Math.max(c.dim(), ffn)];
        int maxRank = 0;
        int maxOut = 0;
        for (LayerWeights lw : w.layers()) {
            for (String p : new String[]{"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"}) {
                Linear lin = lw.projection(p);
                for (LoraDelta d : lin == null ? java.util.List.<LoraDelta>of() : lin.lora()) {
                    maxRank = Math.max(maxRank, d.rank());
                    maxOut = Math.max(maxOut, lin.out());
                }
            }
        }
        loraMid = new float[maxBatch * maxRank];
        loraOut = new float[maxBatch * maxOut];
    }

    public ModelConfig config() {
        return c;
    }

    public ModelWeights weights() {
        return w;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public int vocabSize() {
        return w.vocabSize();
    }

    /**
     * Runs {@code n} tokens at positions {@code startPos ..} through the model, storing their keys and
     * values in {@code cache}. Writes the logits of the last token to {@code logits[0 .. vocab)}, or, when
     * {@code allLogits}, of every token to {@code logits[t * vocab ..]}.
     */
    public void forward(int[] tokens, int tokenOff, int n, int startPos, KvCache cache, float[] logits, boolean allLogits) {
        forward(tokens, tokenOff, n, startPos, cache, logits, allLogits, null);
    }

    /** As above, the sequence running with per-sequence LoRA {@code adapters} (null: none). */
    public void forward(int[] tokens, int tokenOff, int n, int startPos, KvCache cache, float[] logits, boolean allLogits,
                        AdapterSet adapters) {
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " tokens, expected 1.." + maxBatch);
        }
        single.clear();
        single.add(tokens, tokenOff, n, startPos, cache, adapters);
        run(single, logits, allLogits, false);
    }

    /**
     * Runs {@code n} tokens as {@link #forward} does and writes, instead of logits, every token's final hidden state
     * (after the output norm, the vector the output matrix would read) to {@code hidden[t * dim ..]}: what
     * embeddings are pooled from.
     */
    public void hiddenStates(int[] tokens, int tokenOff, int n, int startPos, KvCache cache, float[] hidden) {
        hiddenStates(tokens, tokenOff, n, startPos, cache, hidden, null);
    }

    /** As above, the sequence running with per-sequence LoRA {@code adapters} (null: none). */
    public void hiddenStates(int[] tokens, int tokenOff, int n, int startPos, KvCache cache, float[] hidden, AdapterSet adapters) {
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " tokens, expected 1.." + maxBatch);
        }
        single.clear();
        single.add(tokens, tokenOff, n, startPos, cache, adapters);
        run(single, hidden, true, true);
    }

    /**
     * Runs every segment of {@code batch} (many sequences at once) and writes the logits of each segment's
     * last token to {@code logits[s * vocab ..]}. Each sequence's numbers are the same as in a pass of its own,
     * except through Q4_K weights that llama.cpp repacks, whose products take another float order for rows in a
     * tile of four (RepackedWeights): there, as in llama.cpp's batches, a row's last bits depend on its place.
     */
    public void forward(Batch batch, float[] logits) {
        if (batch.size() < 1 || batch.size() > maxBatch) {
            throw new IllegalArgumentException("batch of " + batch.size() + " tokens, expected 1.." + maxBatch);
        }
        run(batch, logits, false, false);
    }

    private void run(Batch b, float[] logits, boolean allLogits, boolean hiddenOnly) {
        current = b;
        compacted = false;
        try {
            pass(b, logits, allLogits, hiddenOnly);
        } finally {
            current = null;
        }
    }

    private void pass(Batch b, float[] logits, boolean allLogits, boolean hiddenOnly) {
        int n = b.size;
        int dim = c.dim();
        int vocab = w.vocabSize();
        float embScale = c.architecture().scalesEmbeddings() ? (float) Math.sqrt(dim) : 1f;
        for (int t = 0; t < n; t++) {
            int token = b.tokens[t];
            if (token < 0 || token >= vocab) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + vocab);
            }
            kernels.dequantizeRow(w.tokenEmbedding(), token, x, t * dim);
            if (embScale != 1f) {
                for (int i = t * dim; i < (t + 1) * dim; i++) {
                    x[i] *= embScale;
                }
            }
        }
        int last = c.layers() - 1;
        for (int l = 0; l < last; l++) {
            attentionBlock(l, b);
            feedForwardBlock(l, n);
        }
        attentionBlock(last, b);
        // Like llama.cpp (inp_out_ids), the last layer's feed-forward runs only on the rows whose logits are wanted:
        // less work, and one-row matmuls take the same arithmetic path as llama.cpp's. Each segment's last row moves
        // to row s (s <= its index, so moving them in order overwrites nothing still needed).
        int rows = n;
        if (!allLogits) {
            for (int s = 0; s < b.segments; s++) {
                int lastRow = b.start[s] + b.length[s] - 1;
                if (lastRow != s) {
                    System.arraycopy(x, lastRow * dim, x, s * dim, dim);
                }
            }
            rows = b.segments;
            compacted = true;
        }
        feedForwardBlock(last, rows);
        for (int t = 0; t < rows; t++) {
            FloatOps.rmsNorm(xb, t * dim, x, t * dim, w.outputNorm(), dim, c.rmsEps());
        }
        if (hiddenOnly) {
            System.arraycopy(xb, 0, logits, 0, rows * dim);
            return;
        }
        kernels.matmul(w.output(), xb, logits, rows);
        if (c.logitSoftcap() > 0f) {
            FloatOps.softcap(logits, 0, rows * vocab, c.logitSoftcap());
        }
    }

    private void attentionBlock(int l, Batch b) {
        int n = b.size;
        LayerWeights lw = w.layers().get(l);
        int dim = c.dim();
        int hd = c.headDim();
        for (int t = 0; t < n; t++) {
            FloatOps.rmsNorm(xb, t * dim, x, t * dim, lw.attnNorm(), dim, c.rmsEps());
        }
        linear(lw.q(), xb, q, n);
        linear(lw.k(), xb, k, n);
        linear(lw.v(), xb, v, n);
        Rope rope = ropes[l];
        for (int t = 0, seg = 0; t < n; t++) {
            while (t >= b.start[seg] + b.length[seg]) {
                seg++;
            }
            int pos = b.position[seg] + t - b.start[seg];
            int qOff = t * c.qDim();
            int kOff = t * c.kvDim();
            if (lw.qNorm() != null) {
                for (int h = 0; h < c.heads(); h++) {
                    FloatOps.rmsNorm(q, qOff + h * hd, q, qOff + h * hd, lw.qNorm(), hd, c.rmsEps());
                }
            }
            if (lw.kNorm() != null) {
                for (int h = 0; h < c.kvHeads(); h++) {
                    FloatOps.rmsNorm(k, kOff + h * hd, k, kOff + h * hd, lw.kNorm(), hd, c.rmsEps());
                }
            }
            rope.angles(pos, cos, sin);
            rope.apply(q, qOff, c.heads(), hd, cos, sin);
            rope.apply(k, kOff, c.kvHeads(), hd, cos, sin);
            if (c.architecture().scalesQueries()) {
                float qs = c.attentionScale();
                for (int i = qOff; i < qOff + c.qDim(); i++) {
                    q[i] *= qs;
                }
            }
            b.cache[seg].put(l, pos, k, kOff, v, t * c.vDim());
        }
        HeadTask task = headTask;
        task.layer = l;
        task.batch = b;
        task.window = c.isSlidingWindowLayer(l) ? c.slidingWindow() : 0;
        try {
            parallel.forEach(c.kvHeads() * task.parts, task);
        } finally {
            task.batch = null;
        }
        linear(lw.o(), att, proj, n);
        addResidual(lw.postAttnNorm(), n);
    }

    /**
     * Causal attention of query heads for every token of the batch, as llama.cpp computes it without flash attention
     * (position p in KV cell p): KQ = ggml_vec_dot per key, then ggml_soft_max_ext (scale, ggml's polynomial exp, sums
     * per block of 8 cells in double), then KQV in tinyBLAS lanes for a batch, ggml_vec_dot lanes for one token.
     * A reused task object, so a layer allocates nothing.
     */
    private final class HeadTask implements IntConsumer {
        int layer;
        Batch batch;
        int window;
        /**
         * Tasks per KV head: each takes a contiguous share of the query heads that read that KV head, so an F16
         * cache's head is widened once per task. One task per KV head when there are enough of them to keep every
         * thread busy (twice the threads), more when a model has few KV heads.
         */
        final int parts;

        HeadTask() {
            int group = c.heads() / c.kvHeads();
            int wanted = (2 * parallel.threads() + c.kvHeads() - 1) / c.kvHeads();
            parts = Math.max(1, Math.min(group, wanted));
        }

        @Override
        public void accept(int task) {
            int kvHead = task / parts;
            int part = task % parts;
            int group = c.heads() / c.kvHeads();
            int from = kvHead * group + part * group / parts;
            int to = kvHead * group + (part + 1) * group / parts;
            float scale = c.architecture().scalesQueries() ? 1f : c.attentionScale();
            for (int seg = 0; seg < batch.segments; seg++) {
                int startPos = batch.position[seg];
                int n = batch.length[seg];
                KvCache cache = batch.cache[seg];
                int first = window > 0 ? Math.max(0, startPos - window + 1) : 0;
                float[] keys = null;
                float[] values = null;
                if (cache.type() == KvCache.Type.F16) {
                    int slot = parallel.slot();
                    widen(slot, cache, kvHead, first, startPos + n - 1);
                    keys = widenedKeys[slot];
                    values = widenedValues[slot];
                }
                for (int h = from; h < to; h++) {
                    attend(h, kvHead, scale, scores[h], batch.start[seg], n, startPos, cache, first, keys, values);
                }
            }
        }

        /**
         * One head of one segment: its {@code n} tokens from row {@code row0}, the first at {@code startPos} of
         * {@code cache}; an F16 cache's keys and values from position {@code first} already widened (else null).
         */
        private void attend(int h, int kvHead, float scale, float[] s, int row0, int n, int startPos, KvCache cache,
                            int first, float[] keys, float[] values) {
            int hd = c.headDim();
            int vhd = c.valueHeadDim();
            // The arithmetic follows the segment's own length, so a sequence gets the same numbers alone or batched.
            boolean gemm = n > 1;
            for (int i = 0; i < n; i++) {
                int t = row0 + i;
                int pos = startPos + i;
                // llama.cpp masks key position p0 for query position p1 when p1 - p0 >= window.
                int lo = window > 0 ? Math.max(0, pos - window + 1) : 0;
                int len = pos - lo + 1;
                int qOff = t * c.qDim() + h * hd;
                if (cache.type() == KvCache.Type.Q8_0) {
                    // llama.cpp takes a quantized V cache only with flash attention: its arithmetic, not the one below
                    if (flash[h] == null) {
                        flash[h] = new FlashAttention(hd, vhd);
                    }
                    flash[h].attend(cache, layer, kvHead, q, qOff, scale, lo, pos, att, t * c.heads() * vhd + h * vhd);
                    continue;
                }
                cache.roundQuery(q, qOff);
                float max = Float.NEGATIVE_INFINITY;
                for (int p = lo; p <= pos; p++) {
                    float v = (keys != null ? attention.dotWidened(q, qOff, keys, (p - first) * hd, hd)
                            : cache.dotKey(attention, layer, p, kvHead, q, qOff)) * scale;
                    s[p - lo] = v;
                    max = Math.max(max, v);
                }
                float inv = (float) (1.0 / attention.softmaxNumerators(s, 0, len, lo, max));
                for (int j = 0; j < len; j++) {
                    s[j] *= inv;
                }
                cache.roundWeights(s, 0, len);
                int outOff = t * c.heads() * vhd + h * vhd;
                if (values != null) {
                    attention.weightedSum(s, 0, len, lo, values, (lo - first) * vhd, vhd, vhd, gemm, valueAcc[h], att, outOff);
                } else {
                    cache.sumValues(attention, layer, kvHead, s, 0, lo, len, gemm, valueAcc[h], att, outOff);
                }
            }
        }

        /**
         * Widens positions {@code first .. last} of an F16 cache's {@code kvHead} into this thread's scratch, once for
         * every token of the segment (with the hardware conversion; ggml's sums are then taken over the same floats).
         */
        private void widen(int slot, KvCache cache, int kvHead, int first, int last) {
            int n = last - first + 1;
            widenedKeys[slot] = atLeast(widenedKeys[slot], n, c.headDim());
            widenedValues[slot] = atLeast(widenedValues[slot], n, c.valueHeadDim());
            cache.widenKeys(layer, kvHead, first, n, widenedKeys[slot]);
            cache.widenValues(layer, kvHead, first, n, widenedValues[slot]);
        }

        /**
         * {@code a}, or a larger array when it holds fewer than {@code n} positions of {@code width}: doubled (up to the
         * context), so a decode that grows by one position a step does not reallocate every step.
         */
        private float[] atLeast(float[] a, int n, int width) {
            if (a.length >= n * width) {
                return a;
            }
            int context = scores[0].length;
            return new float[Math.max(n, Math.min(context, 2 * (a.length / width))) * width];
        }
    }

    private void feedForwardBlock(int l, int n) {
        LayerWeights lw = w.layers().get(l);
        int dim = c.dim();
        for (int t = 0; t < n; t++) {
            FloatOps.rmsNorm(xb, t * dim, x, t * dim, lw.ffnNorm(), dim, c.rmsEps());
        }
        if (lw.hasExperts()) {
            mixtureOfExperts(l, lw, n);
        } else {
            int ffn = lw.gate().out();
            linear(lw.gate(), xb, hb, n);
            linear(lw.up(), xb, hb2, n);
            activate(hb, hb2, n, ffn);
            linear(lw.down(), hb, proj, n);
        }
        addResidual(lw.postFfnNorm(), n);
    }

    /**
     * Mixtral-style experts: softmax over the router logits, the top {@code expertsUsed} experts per token
     * with their probabilities renormalised to sum to 1, then each expert runs once on all tokens routed to it.
     */
    private void mixtureOfExperts(int l, LayerWeights lw, int n) {
        int dim = c.dim();
        int experts = c.experts();
        int used = c.expertsUsed();
        kernels.matmul(lw.router(), xb, routerLogits, n);
        for (int t = 0; t < n; t++) {
            FloatOps.softmax(routerLogits, t * experts, experts);
            float sum = 0f;
            for (int j = 0; j < used; j++) {
                int best = -1;
                for (int e = 0; e < experts; e++) {
                    if (!isChosen(t, j, e) && (best < 0 || routerLogits[t * experts + e] > routerLogits[t * experts + best])) {
                        best = e;
                    }
                }
                chosen[t * used + j] = best;
                chosenWeight[t * used + j] = routerLogits[t * experts + best];
                sum += chosenWeight[t * used + j];
            }
            for (int j = 0; j < used; j++) {
                chosenWeight[t * used + j] /= sum;
            }
        }
        Arrays.fill(proj, 0, n * dim, 0f);
        Tensor[][] views = expertViews[l];
        int ffn = Math.toIntExact(views[0][0].rows());
        for (int e = 0; e < experts; e++) {
            int rows = 0;
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < used; j++) {
                    if (chosen[t * used + j] == e) {
                        expertRows[rows] = t * used + j;
                        System.arraycopy(xb, t * dim, expertIn, rows * dim, dim);
                        rows++;
                    }
                }
            }
            if (rows == 0) {
                continue;
            }
            expertMatmul(views[0][e], expertIn, dim, hb, ffn, rows);
            expertMatmul(views[1][e], expertIn, dim, hb2, ffn, rows);
            activate(hb, hb2, rows, ffn);
            expertMatmul(views[2][e], hb, ffn, expertOut, dim, rows);
            for (int r = 0; r < rows; r++) {
                int slot = expertRows[r];
                int t = slot / used;
                float weight = chosenWeight[slot];
                for (int i = 0; i < dim; i++) {
                    proj[t * dim + i] += expertOut[r * dim + i] * weight;
                }
            }
        }
    }

    /**
     * One expert's matmul of {@code rows} rows. llama.cpp's ggml_mul_mat_id takes each row's dot products with
     * ggml_vec_dot, never tinyBLAS, and repacked experts with the one-row gemv kernel, never the 4-row gemm
     * (RepackedWeights); so F32/F16/BF16 and repacked Q4_K experts, whose batched kernels differ, go one row at a
     * time. The other block formats' dots do not depend on the batch.
     */
    private void expertMatmul(Tensor weight, float[] in, int inWidth, float[] out, int outWidth, int rows) {
        GgmlType type = weight.type();
        boolean batchDependent = type == GgmlType.F32 || type == GgmlType.F16 || type == GgmlType.BF16
                || RepackedWeights.gemmDiffersFromGemv(type, weight.rows());
        if (rows == 1 || !batchDependent) {
            kernels.matmul(weight, in, out, rows);
            return;
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(in, r * inWidth, rowIn, 0, inWidth);
            kernels.matmul(weight, rowIn, rowOut, 1);
            System.arraycopy(rowOut, 0, out, r * outWidth, outWidth);
        }
    }

    private boolean isChosen(int t, int upTo, int e) {
        int used = c.expertsUsed();
        for (int j = 0; j < upTo; j++) {
            if (chosen[t * used + j] == e) {
                return true;
            }
        }
        return false;
    }

    /** The gated activation of {@code rows} rows of {@code width}: ggml applies it row by row (ggml_swiglu/geglu). */
    private void activate(float[] gate, float[] up, int rows, int width) {
        if (c.architecture().activation() == Architecture.Activation.GELU_TANH) {
            FloatOps.geluMul(gate, up, 0, rows * width);
        } else {
            for (int r = 0; r < rows; r++) {
                attention.swiglu(gate, up, r * width, width);
            }
        }
    }

    /** {@code x += postNorm ? rmsnorm(proj) : proj} for each token. */
    private void addResidual(float[] postNorm, int n) {
        int dim = c.dim();
        for (int t = 0; t < n; t++) {
            if (postNorm != null) {
                FloatOps.rmsNorm(proj, t * dim, proj, t * dim, postNorm, dim, c.rmsEps());
            }
            FloatOps.add(x, t * dim, proj, t * dim, dim);
        }
    }

    private void linear(Linear layer, float[] in, float[] out, int n) {
        kernels.matmul(layer.weight(), in, out, n);
        // llama.cpp's build_lora_mm: W x + scale * (B (A x)) per adapter, the bias after.
        for (LoraDelta d : layer.lora()) {
            int o = layer.out();
            kernels.matmul(d.a(), in, loraMid, n);
            kernels.matmul(d.b(), loraMid, loraOut, n);
            float s = d.scale();
            for (int i = 0; i < n * o; i++) {
                out[i] += loraOut[i] * s;
            }
        }
        if (current != null) {
            segmentAdapters(layer, in, out, n);
        }
        float[] b = layer.bias();
        if (b != null) {
            int o = layer.out();
            for (int t = 0; t < n; t++) {
                FloatOps.add(out, t * o, b, 0, o);
            }
        }
    }

    /**
     * The updates of each segment's own adapters, on that segment's rows only: rows {@code start .. start+length} of
     * the pass, or row {@code s} once the last feed-forward block runs one row per segment.
     */
    private void segmentAdapters(Linear layer, float[] in, float[] out, int n) {
        Batch b = current;
        int inDim = layer.in();
        int outDim = layer.out();
        for (int s = 0; s < b.segments; s++) {
            AdapterSet set = b.adapters[s];
            if (set == null) {
                continue;
            }
            int row0 = compacted ? s : b.start[s];
            int rows = compacted ? 1 : b.length[s];
            assert row0 + rows <= n : "segment " + s + " rows " + row0 + "+" + rows + " outside the pass of " + n;
            for (LoraDelta d : set.deltas(layer)) {
                if (segIn.length < rows * inDim) {
                    segIn = new float[maxBatch * inDim];
                }
                if (segMid.length < rows * d.rank()) {
                    segMid = new float[maxBatch * d.rank()];
                }
                if (segOut.length < rows * outDim) {
                    segOut = new float[maxBatch * outDim];
                }
                System.arraycopy(in, row0 * inDim, segIn, 0, rows * inDim);
                kernels.matmul(d.a(), segIn, segMid, rows);
                kernels.matmul(d.b(), segMid, segOut, rows);
                float sc = d.scale();
                for (int i = 0; i < rows * outDim; i++) {
                    out[row0 * outDim + i] += segOut[i] * sc;
                }
            }
        }
    }

    /** The 2-D (in, out) slice of each expert in a 3-D (in, out, experts) tensor. */
    private static Tensor[] split(Tensor t) {
        long[] s = t.shape();
        int experts = Math.toIntExact(s[2]);
        long bytes = t.type().bytesFor(s[0] * s[1]);
        Tensor[] views = new Tensor[experts];
        for (int e = 0; e < experts; e++) {
            views[e] = new Tensor(t.name() + "[" + e + "]", t.type(), new long[]{s[0], s[1]}, t.data().asSlice(e * bytes, bytes));
        }
        return views;
    }
}
