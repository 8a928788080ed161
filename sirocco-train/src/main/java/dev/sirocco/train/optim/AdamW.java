package dev.sirocco.train.optim;

import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.train.autograd.Parameter;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", 2019,
 * algorithm 2): {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2}, then
 * {@code p -= lr * (m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps) + wd * p)}. Moments and the update in float.
 */
public final class AdamW {
    private final List<Parameter> params;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float[][] m;
    private final float[][] v;
    private final Chunks chunks;
    private long step;

    public AdamW(List<Parameter> params, float beta1, float beta2, float eps, float weightDecay) {
        this.params = List.copyOf(params);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new float[params.size()][];
        this.v = new float[params.size()][];
        this.chunks = Chunks.of(params);
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
        step(lr, Parallel.serial());
    }

    /** As {@link #step(float)}, the parameters' elements spread over {@code parallel} (each updated alone: same values). */
    public void step(float lr, Parallel parallel) {
        step++;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        // In float, so C2 vectorises the loop (the square root included); the bias corrections are exact enough there.
        float b1 = beta1;
        float b2 = beta2;
        float ic1 = (float) (1 / c1);
        float ic2 = (float) (1 / c2);
        parallel.forEach(chunks.count(), c -> {
            int i = chunks.param()[c];
            float[] p = params.get(i).value;
            float[] g = params.get(i).grad;
            float[] mi = m[i];
            float[] vi = v[i];
            for (int k = chunks.from()[c]; k < chunks.to()[c]; k++) {
                float gk = g[k];
                float mk = b1 * mi[k] + (1 - b1) * gk;
                float vk = b2 * vi[k] + (1 - b2) * gk * gk;
                mi[k] = mk;
                vi[k] = vk;
                p[k] -= lr * (mk * ic1 / ((float) Math.sqrt(vk * ic2) + eps) + weightDecay * p[k]);
            }
        });
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
