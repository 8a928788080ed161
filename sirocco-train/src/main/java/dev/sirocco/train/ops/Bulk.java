package dev.sirocco.train.ops;

import dev.sirocco.engine.tensor.AttentionKernels;
import dev.sirocco.engine.tensor.BulkMath;

/** The engine's vector float loops that the ops share, chosen once as the kernels are. */
final class Bulk {
    /** Vector exp and max. */
    static final BulkMath MATH = BulkMath.create(false);
    /** ggml's SwiGLU, so training's forward rounds as inference does. */
    static final AttentionKernels GGML = AttentionKernels.create(false);

    private Bulk() {
    }
}
