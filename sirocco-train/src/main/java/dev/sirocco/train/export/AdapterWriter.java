package dev.sirocco.train.export;

import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.lora.LoraPair;
import dev.sirocco.train.lora.TrainableLora;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Writes trained LoRA factors as a GGUF adapter in llama.cpp's format (what convert_lora_to_gguf.py writes and
 * src/llama-adapter.cpp reads): {@code general.type = "adapter"}, {@code adapter.type = "lora"},
 * {@code adapter.lora.alpha}, and per adapted weight F32 {@code <weight>.lora_a} {in, rank} and
 * {@code <weight>.lora_b} {rank, out}. Both the engine's {@code --lora} and llama.cpp load it.
 */
public final class AdapterWriter {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private AdapterWriter() {
    }

    public static void write(TrainableLora lora, String architecture, Path file) throws IOException {
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", architecture);
        w.putString("general.type", "adapter");
        w.putString("general.name", "sirocco finetune");
        w.putString("adapter.type", "lora");
        w.putF32("adapter.lora.alpha", lora.alpha());
        for (LoraPair p : lora.pairs()) {
            // A (rank, in) row-major is ggml's {in, rank}; B (out, rank) is {rank, out}: the bytes are already in order.
            add(w, p.weightName() + ".lora_a", p.a(), new long[]{p.a().cols, p.a().rows});
            add(w, p.weightName() + ".lora_b", p.b(), new long[]{p.b().cols, p.b().rows});
        }
        w.write(file);
    }

    private static void add(GgufWriter w, String name, Parameter p, long[] shape) {
        float[] v = p.value.clone(); // the file holds the values as of this call
        w.addTensor(name, GgmlType.F32, shape, (MemorySegment dst) -> {
            for (int i = 0; i < v.length; i++) {
                dst.setAtIndex(LE_FLOAT, i, v[i]);
            }
        });
    }
}
