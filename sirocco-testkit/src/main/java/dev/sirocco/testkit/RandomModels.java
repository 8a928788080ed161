package dev.sirocco.testkit;

import dev.sirocco.engine.gguf.GgufArray;
import dev.sirocco.engine.gguf.GgufValueType;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tensor.GgmlType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes GGUF models with seeded random weights that llama.cpp loads, for the architectures of
 * {@link ModelSpec}; what goes into the file is {@link ModelLayout}'s.
 */
public final class RandomModels {

    private RandomModels() {
    }

    /** Writes the model described by {@code spec} to {@code file} and returns {@code file}. */
    public static Path write(ModelSpec spec, Path file) {
        GgufWriter w = withMetadata(spec);
        for (TensorPlan t : ModelLayout.tensors(spec)) {
            w.addTensor(t.name(), t.type(), t.shape(),
                    dst -> TensorEncoding.encode(t.type(), ModelLayout.values(spec, t.name()), (int) t.shape()[0], dst));
        }
        return write(w, file);
    }

    /**
     * Writes the same model as {@link #write} with every tensor in F32, holding exactly the values the typed
     * file stores ({@link ModelLayout#storedValues}): a reference whose weights equal the quantized ones, so a
     * comparison with the typed file isolates how activations are rounded.
     */
    public static Path writeAsF32(ModelSpec spec, Path file) {
        GgufWriter w = withMetadata(spec);
        for (TensorPlan t : ModelLayout.tensors(spec)) {
            w.addTensor(t.name(), GgmlType.F32, t.shape(),
                    dst -> TensorEncoding.encode(GgmlType.F32, ModelLayout.storedValues(spec, t.name()), (int) t.shape()[0], dst));
        }
        return write(w, file);
    }

    private static GgufWriter withMetadata(ModelSpec spec) {
        GgufWriter w = new GgufWriter();
        for (Map.Entry<String, Object> e : ModelLayout.metadata(spec).entrySet()) {
            put(w, e.getKey(), e.getValue());
        }
        return w;
    }

    private static Path write(GgufWriter w, Path file) {
        try {
            w.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model " + file, e);
        }
        return file;
    }

    /** Writes one metadata value by its Java type, as {@link TokenizerMetadata} documents ({@code byte[]}: a UINT8 array). */
    public static void put(GgufWriter w, String key, Object v) {
        switch (v) {
            case String str -> w.putString(key, str);
            case String[] arr -> w.putStringArray(key, arr);
            case float[] arr -> w.putF32Array(key, arr);
            case int[] arr -> w.putI32Array(key, arr);
            case Boolean b -> w.putBool(key, b);
            case Integer i -> w.putU32(key, i);
            case Long l -> w.putU32(key, l);
            case Float f -> w.putF32(key, f);
            case byte[] arr -> {
                short[] unsigned = new short[arr.length];
                for (int i = 0; i < arr.length; i++) {
                    unsigned[i] = (short) Byte.toUnsignedInt(arr[i]);
                }
                w.putArray(key, new GgufArray(GgufValueType.UINT8, unsigned));
            }
            default -> throw new IllegalArgumentException("unsupported metadata value for " + key + ": " + v.getClass());
        }
    }
}
