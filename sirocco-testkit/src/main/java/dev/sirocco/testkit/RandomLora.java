package dev.sirocco.testkit;

import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tensor.GgmlType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random LoRA adapters for a {@link ModelSpec}'s model, in llama.cpp's adapter GGUF format (src/llama-adapter.cpp):
 * {@code general.type = "adapter"}, {@code adapter.type = "lora"}, {@code adapter.lora.alpha}, and per adapted
 * weight {@code W} of shape {@code {in, out}} a pair {@code <W name>.lora_a} {@code {in, rank}} and
 * {@code <W name>.lora_b} {@code {rank, out}}. llama.cpp adds {@code s * B(A x)} to {@code W x} with
 * {@code s = scale * alpha / rank} (just {@code scale} when alpha is 0).
 *
 * @param base    the model the adapter applies to
 * @param targets base names of the adapted weights ("attn_q", "attn_v", "ffn_down", "output", ...), in every layer
 * @param rank    the LoRA rank
 * @param alpha   {@code adapter.lora.alpha}
 * @param seed    seeds A and B (A ~ N(0, 1/in), B ~ N(0, 0.25/rank): the update is about half as large as {@code W x})
 */
public record RandomLora(ModelSpec base, List<String> targets, int rank, float alpha, long seed) {

    public RandomLora {
        targets = List.copyOf(targets);
    }

    /** The adapter's tensors, in file order; all F32. */
    public List<TensorPlan> tensors() {
        List<TensorPlan> out = new ArrayList<>();
        for (TensorPlan w : adapted()) {
            long[] s = w.shape();
            out.add(new TensorPlan(w.name() + ".lora_a", GgmlType.F32, new long[] {s[0], rank}));
            out.add(new TensorPlan(w.name() + ".lora_b", GgmlType.F32, new long[] {rank, s[1]}));
        }
        return out;
    }

    /** The values of adapter tensor {@code name} ({@code <weight>.lora_a} or {@code <weight>.lora_b}). */
    public float[] values(String name) {
        TensorPlan t = tensors().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no adapter tensor " + name));
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
        double std = name.endsWith(".lora_a") ? 1 / Math.sqrt(t.shape()[0]) : 0.5 / Math.sqrt(rank);
        float[] v = new float[Math.toIntExact(t.elements())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * rnd.nextGaussian());
        }
        return v;
    }

    /** Writes the adapter to {@code file} and returns it. */
    public Path write(Path file) {
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", base.arch());
        w.putString("general.type", "adapter");
        w.putString("adapter.type", "lora");
        w.putF32("adapter.lora.alpha", alpha);
        for (TensorPlan t : tensors()) {
            w.addTensor(t.name(), t.type(), t.shape(),
                    dst -> TensorEncoding.encode(GgmlType.F32, values(t.name()), (int) t.shape()[0], dst));
        }
        try {
            w.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write adapter " + file, e);
        }
        return file;
    }

    /**
     * The base model with this adapter merged at {@code scale}, all in F32: {@code W + s B A} for every adapted
     * weight ({@code s = scale * alpha / rank}), other tensors as the base stores them. What llama.cpp computes
     * with the adapter applied, up to rounding.
     */
    public Path writeMerged(float scale, Path file) {
        List<TensorPlan> adapted = adapted();
        float s = alpha != 0 ? scale * alpha / rank : scale;
        GgufWriter w = new GgufWriter();
        ModelLayout.metadata(base).forEach((k, v) -> RandomModels.put(w, k, v));
        for (TensorPlan t : ModelLayout.tensors(base)) {
            boolean isAdapted = adapted.stream().anyMatch(a -> a.name().equals(t.name()));
            w.addTensor(t.name(), GgmlType.F32, t.shape(), dst -> {
                float[] v = ModelLayout.storedValues(base, t.name());
                if (isAdapted) {
                    addUpdate(v, (int) t.shape()[0], (int) t.shape()[1], values(t.name() + ".lora_a"),
                            values(t.name() + ".lora_b"), s);
                }
                TensorEncoding.encode(GgmlType.F32, v, (int) t.shape()[0], dst);
            });
        }
        try {
            w.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write merged model " + file, e);
        }
        return file;
    }

    // W row o (length in) += s * sum_j B[o][j] * A[j]; A is rank rows of in, B is out rows of rank.
    private void addUpdate(float[] w, int in, int out, float[] a, float[] b, float s) {
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < rank; j++) {
                float coef = s * b[o * rank + j];
                for (int k = 0; k < in; k++) {
                    w[o * in + k] += coef * a[j * in + k];
                }
            }
        }
    }

    private List<TensorPlan> adapted() {
        List<TensorPlan> out = new ArrayList<>();
        for (TensorPlan t : ModelLayout.tensors(base)) {
            String baseName = t.name().replaceFirst("^blk\\.\\d+\\.", "").replaceFirst("\\.weight$", "");
            if (t.shape().length == 2 && targets.contains(baseName)) {
                out.add(t);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no 2-D weight of this model matches " + targets);
        }
        return out;
    }
}
