package dev.sirocco.engine.model;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A LoRA adapter read from a GGUF file in llama.cpp's adapter format (src/llama-adapter.cpp,
 * convert_lora_to_gguf.py): {@code general.type = "adapter"}, {@code adapter.type = "lora"},
 * {@code adapter.lora.alpha}, and for each adapted weight {@code W} ({in, out}) the factors
 * {@code <W name>.lora_a} ({in, rank}) and {@code <W name>.lora_b} ({rank, out}), any tensor type.
 * The factors are copied off the file (adapters are small), so the file is closed after loading.
 *
 * @param weights the factor pairs by the base weight's name, e.g. {@code blk.0.attn_q.weight}
 */
public record LoraAdapter(Path source, String architecture, float alpha, Map<String, Factors> weights) {

    /** {@code W x} becomes {@code W x + s B (A x)}: {@code a} maps in → rank, {@code b} maps rank → out. */
    public record Factors(Tensor a, Tensor b) {
        public int rank() {
            return Math.toIntExact(a.rows());
        }
    }

    public LoraAdapter {
        weights = Map.copyOf(weights);
    }

    /**
     * llama.cpp's scale for a pair: {@code userScale * alpha / rank}, or {@code userScale} alone when the file's
     * alpha is 0 (absent).
     */
    public float scale(Factors f, float userScale) {
        return alpha != 0f ? userScale * alpha / f.rank() : userScale;
    }

    /** Reads and checks the adapter at {@code path}; a file that is not a LoRA adapter is rejected naming what is wrong. */
    public static LoraAdapter load(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            var md = file.metadata();
            String type = md.getString("general.type", "");
            if (!type.equals("adapter")) {
                throw bad(path, "general.type is '" + type + "', expected 'adapter' (is this a model rather than an adapter?)");
            }
            String adapterType = md.getString("adapter.type", "");
            if (!adapterType.equals("lora")) {
                throw bad(path, "adapter.type is '" + adapterType + "', expected 'lora'");
            }
            float alpha = md.has("adapter.lora.alpha") ? md.getFloat("adapter.lora.alpha") : 0f;
            Map<String, Tensor> as = new LinkedHashMap<>();
            Map<String, Tensor> bs = new LinkedHashMap<>();
            Arena arena = Arena.ofAuto();
            for (GgufTensorInfo info : file.tensorInfos()) {
                String name = info.name();
                if (name.endsWith("_norm.weight")) {
                    continue; // llama.cpp ignores norm vectors in adapters too
                }
                boolean isA = name.endsWith(".lora_a");
                if (!isA && !name.endsWith(".lora_b")) {
                    throw bad(path, "tensor '" + name + "' is neither a .lora_a nor a .lora_b factor");
                }
                Tensor t = file.tensor(name);
                if (t.shape().length != 2) {
                    throw bad(path, "tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + ", expected 2 dimensions");
                }
                MemorySegment copy = arena.allocate(t.data().byteSize(), 64);
                copy.copyFrom(t.data());
                (isA ? as : bs).put(name.substring(0, name.length() - 7), new Tensor(name, t.type(), t.shape(), copy));
            }
            Map<String, Factors> weights = new LinkedHashMap<>();
            for (var e : as.entrySet()) {
                Tensor b = bs.remove(e.getKey());
                if (b == null) {
                    throw bad(path, "'" + e.getKey() + "' has a .lora_a factor but no .lora_b");
                }
                Tensor a = e.getValue();
                if (a.shape()[1] != b.shape()[0]) {
                    throw bad(path, "'" + e.getKey() + "': lora_a " + Arrays.toString(a.shape()) + " and lora_b "
                            + Arrays.toString(b.shape()) + " disagree on the rank (lora_a must be {in, rank}, lora_b {rank, out})");
                }
                weights.put(e.getKey(), new Factors(a, b));
            }
            if (!bs.isEmpty()) {
                throw bad(path, "'" + bs.keySet().iterator().next() + "' has a .lora_b factor but no .lora_a");
            }
            if (weights.isEmpty()) {
                throw bad(path, "it holds no LoRA factors");
            }
            return new LoraAdapter(path, md.getString("general.architecture", ""), alpha, weights);
        }
    }

    private static UnsupportedModelException bad(Path path, String what) {
        return new UnsupportedModelException("LoRA adapter " + path + ": " + what);
    }
}
