package dev.sirocco.engine.model;

import dev.sirocco.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A projection {@code y = W x + sum of LoRA updates (+ b)}: {@code weight} has shape {in, out} in ggml order;
 * {@code bias} (F32, {out}) is null when the model has none; {@code lora} is empty without adapters.
 */
public record Linear(Tensor weight, float[] bias, List<LoraDelta> lora) {

    public Linear {
        lora = List.copyOf(lora);
    }

    public Linear(Tensor weight, float[] bias) {
        this(weight, bias, List.of());
    }

    public int in() {
        return weight.rowLength();
    }

    public int out() {
        return Math.toIntExact(weight.rows());
    }

    /** This projection with one more LoRA update. */
    public Linear plus(LoraDelta delta) {
        List<LoraDelta> all = new ArrayList<>(lora);
        all.add(delta);
        return new Linear(weight, bias, all);
    }
}
