package dev.sirocco.train.optim;

import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.train.autograd.Parameter;

import java.util.List;

/** Clipping by global norm (Pascanu et al. 2013): scale every gradient by {@code max / norm} when the norm exceeds max. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** The L2 norm of all gradients together, before clipping; clips in place when over {@code maxNorm} (0: never). */
    public static double clip(List<Parameter> params, double maxNorm) {
        return clip(params, maxNorm, Parallel.serial());
    }

    /**
     * As {@link #clip(List, double)}, spread over {@code parallel}: the sum of squares is taken per {@link Chunks chunk}
     * and the chunks' sums added in order, so the norm does not depend on the thread count.
     */
    public static double clip(List<Parameter> params, double maxNorm, Parallel parallel) {
        Chunks chunks = Chunks.of(params);
        double[] partial = new double[chunks.count()];
        parallel.forEach(chunks.count(), c -> {
            float[] g = params.get(chunks.param()[c]).grad;
            double ss = 0;
            for (int i = chunks.from()[c]; i < chunks.to()[c]; i++) {
                ss += (double) g[i] * g[i];
            }
            partial[c] = ss;
        });
        double ss = 0;
        for (double p : partial) {
            ss += p;
        }
        double norm = Math.sqrt(ss);
        if (maxNorm > 0 && norm > maxNorm) {
            float s = (float) (maxNorm / norm);
            parallel.forEach(chunks.count(), c -> {
                float[] g = params.get(chunks.param()[c]).grad;
                for (int i = chunks.from()[c]; i < chunks.to()[c]; i++) {
                    g[i] *= s;
                }
            });
        }
        return norm;
    }
}
