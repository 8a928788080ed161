package dev.sirocco.train.optim;

import dev.sirocco.train.autograd.Parameter;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", 2019,
 * algorithm 2): {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2}, then
 * {@code p -= lr * (m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps) + wd * p)}. Moments in float, bias corrections in double.
 */
public final class AdamW {
    private final List<Parameter> params;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float[][] m;
    private final float[][] v;
    private long step;

    public AdamW(List<Parameter> params, float beta1, float beta2, float eps, float weightDecay) {
        this.params = List.copyOf(params);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new float[params.size()][];
        this.v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            m[i] = new float[params.get(i).value.length];
            v[i] = new float[params.get(i).value.length];
        }
    }

    /** The usual LLM fine-tuning settings: betas 0.9/0.999, eps 1e-8. */
    public static AdamW standard(List<Parameter> params, float weightDecay) {
        return new AdamW(params, 0.9f, 0.999f, 1e-8f, weightDecay);
    }

    /** One update of every parameter from its accumulated gradient at learning rate {@code lr}; does not zero them. */
    public void step(float lr) {
        step++;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < params.size(); i++) {
            float[] p = params.get(i).value;
            float[] g = params.get(i).grad;
            float[] mi = m[i];
            float[] vi = v[i];
            for (int k = 0; k < p.length; k++) {
                mi[k] = beta1 * mi[k] + (1 - beta1) * g[k];
                vi[k] = beta2 * vi[k] + (1 - beta2) * g[k] * g[k];
                double mHat = mi[k] / c1;
                double vHat = vi[k] / c2;
                p[k] -= (float) (lr * (mHat / (Math.sqrt(vHat) + eps) + weightDecay * p[k]));
            }
        }
    }

    public long steps() {
        return step;
    }

    /** The first and second moments, per parameter (for checkpoints). */
    public float[][] firstMoments() {
        return m;
    }

    public float[][] secondMoments() {
        return v;
    }

    /** Restores the step count (moments are restored in place through {@link #firstMoments()}/{@link #secondMoments()}). */
    public void restoreSteps(long steps) {
        this.step = steps;
    }
}
