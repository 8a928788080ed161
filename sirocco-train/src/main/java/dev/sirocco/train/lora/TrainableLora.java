package dev.sirocco.train.lora;

import dev.sirocco.engine.model.LayerWeights;
import dev.sirocco.engine.model.Linear;
import dev.sirocco.engine.model.ModelWeights;
import dev.sirocco.train.autograd.Parameter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The LoRA factors being trained: one {@link LoraPair} per target projection per layer. Initialised as in the LoRA
 * paper (Hu et al. 2021, section 4.1): A random (here N(0, 1/in)), B zero, so training starts from the base model.
 */
public final class TrainableLora {
    private final int rank;
    private final float alpha;
    private final Map<String, LoraPair> pairs; // by base weight name

    private TrainableLora(int rank, float alpha, Map<String, LoraPair> pairs) {
        this.rank = rank;
        this.alpha = alpha;
        this.pairs = pairs;
    }

    /** Fresh factors for {@code targets} in every layer of {@code base}, seeded. */
    public static TrainableLora init(ModelWeights base, Collection<LoraTarget> targets, int rank, float alpha, long seed) {
        if (rank < 1) {
            throw new IllegalArgumentException("--rank must be at least 1, got " + rank);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, LoraPair> pairs = new LinkedHashMap<>();
        for (int l = 0; l < base.layers().size(); l++) {
            LayerWeights lw = base.layers().get(l);
            for (LoraTarget t : LoraTarget.values()) {
                if (!targets.contains(t)) {
                    continue;
                }
                Linear p = lw.projection(t.tensorName);
                if (p == null) {
                    throw new IllegalArgumentException("layer " + l + " has no dense " + t.tensorName + " to adapt (a mixture of experts?)");
                }
                String name = "blk." + l + "." + t.tensorName + ".weight";
                float[] a = new float[rank * p.in()];
                double std = 1 / Math.sqrt(p.in());
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (std * rnd.nextGaussian());
                }
                pairs.put(name, new LoraPair(name, new Parameter(name + ".lora_a", rank, p.in(), a),
                        new Parameter(name + ".lora_b", p.out(), rank, new float[p.out() * rank]), alpha / rank));
            }
        }
        return new TrainableLora(rank, alpha, pairs);
    }

    /** The pair adapting {@code blk.<layer>.<tensorName>.weight}, or null. */
    public LoraPair pair(int layer, String tensorName) {
        return pairs.get("blk." + layer + "." + tensorName + ".weight");
    }

    public Collection<LoraPair> pairs() {
        return pairs.values();
    }

    /** Every trainable matrix, A then B per pair, in a fixed order (the optimizer's and checkpoints' order). */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (LoraPair p : pairs.values()) {
            out.add(p.a());
            out.add(p.b());
        }
        return out;
    }

    public int rank() {
        return rank;
    }

    public float alpha() {
        return alpha;
    }
}
