package dev.sirocco.train.export;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.train.lora.LoraPair;
import dev.sirocco.train.lora.TrainableLora;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the base model with a LoRA adapter merged in: every adapted weight becomes {@code W + scale * B A} in F32
 * (so the merge adds no rounding beyond F32's; re-quantize with {@code sirocco quantize} if wanted), every other
 * tensor and all metadata are copied unchanged. The result runs without the adapter and gives the base + adapter logits.
 */
public final class MergedModelWriter {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private MergedModelWriter() {
    }

    /** {@code base} must stay open until this returns: unchanged tensors are copied from its mapping. */
    public static void write(GgufFile base, TrainableLora lora, Kernels kernels, Path out) throws IOException {
        Map<String, LoraPair> pairs = new HashMap<>();
        for (LoraPair p : lora.pairs()) {
            pairs.put(p.weightName(), p);
        }
        GgufWriter w = new GgufWriter();
        w.putAll(base.metadata());
        for (GgufTensorInfo info : base.tensorInfos()) {
            Tensor t = base.tensor(info.name());
            LoraPair p = pairs.get(info.name());
            if (p == null) {
                w.addTensor(info.name(), t.type(), t.shape(), t.data());
            } else {
                w.addTensor(info.name(), GgmlType.F32, t.shape(), (MemorySegment dst) -> merge(t, p, kernels, dst));
            }
        }
        w.write(out);
    }

    // Row o of W (length in) += scale * sum_j B[o][j] * A[j]; A is (rank, in), B is (out, rank).
    private static void merge(Tensor weight, LoraPair p, Kernels kernels, MemorySegment dst) {
        int in = weight.rowLength();
        int out = Math.toIntExact(weight.rows());
        int rank = p.rank();
        float[] a = p.a().value;
        float[] b = p.b().value;
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            kernels.dequantizeRow(weight, o, row, 0);
            for (int j = 0; j < rank; j++) {
                float coef = p.scale() * b[o * rank + j];
                for (int k = 0; k < in; k++) {
                    row[k] += coef * a[j * in + k];
                }
            }
            for (int k = 0; k < in; k++) {
                dst.setAtIndex(LE_FLOAT, (long) o * in + k, row[k]);
            }
        }
    }
}
