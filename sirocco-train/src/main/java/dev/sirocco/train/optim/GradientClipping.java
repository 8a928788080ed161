package dev.sirocco.train.optim;

import dev.sirocco.train.autograd.Parameter;

import java.util.List;

/** Clipping by global norm (Pascanu et al. 2013): scale every gradient by {@code max / norm} when the norm exceeds max. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** The L2 norm of all gradients together, before clipping; clips in place when over {@code maxNorm} (0: never). */
    public static double clip(List<Parameter> params, double maxNorm) {
        double ss = 0;
        for (Parameter p : params) {
            for (float g : p.grad) {
                ss += (double) g * g;
            }
        }
        double norm = Math.sqrt(ss);
        if (maxNorm > 0 && norm > maxNorm) {
            float s = (float) (maxNorm / norm);
            for (Parameter p : params) {
                for (int i = 0; i < p.grad.length; i++) {
                    p.grad[i] *= s;
                }
            }
        }
        return norm;
    }
}
