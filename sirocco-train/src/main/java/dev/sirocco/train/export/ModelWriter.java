package dev.sirocco.train.export;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.model.TrainableWeights;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Writes a fully trained model: the starting file's metadata and tensor layout, every trained weight in F32 with its
 * current values, untrained tensors (biases) copied. Quantize it afterwards with {@code sirocco quantize} if wanted.
 */
public final class ModelWriter {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ModelWriter() {
    }

    /** {@code base} must stay open until this returns. */
    public static void write(GgufFile base, TrainableWeights weights, Path out) throws IOException {
        GgufWriter w = new GgufWriter();
        w.putAll(base.metadata());
        if (base.metadata().has("general.file_type")) {
            w.putU32("general.file_type", 0);
        }
        for (GgufTensorInfo info : base.tensorInfos()) {
            Tensor t = base.tensor(info.name());
            Parameter p = weights.get(info.name());
            if (p == null) {
                w.addTensor(info.name(), t.type(), t.shape(), t.data());
            } else {
                float[] v = p.value.clone();
                w.addTensor(info.name(), GgmlType.F32, t.shape(), (MemorySegment dst) -> {
                    for (int i = 0; i < v.length; i++) {
                        dst.setAtIndex(LE_FLOAT, i, v[i]);
                    }
                });
            }
        }
        w.write(out);
    }
}
