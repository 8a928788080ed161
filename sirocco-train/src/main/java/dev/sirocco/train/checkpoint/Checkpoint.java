package dev.sirocco.train.checkpoint;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.optim.AdamW;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Everything a run needs to continue bit for bit after step {@code step}: the parameters, AdamW's moments and step
 * count, where the data order stands ({@code epoch}, {@code position}), the first step's loss, and a fingerprint of the
 * configuration and data so a checkpoint is never resumed into a different run. Stored as a GGUF file
 * ({@code checkpoint-<step>.gguf}: metadata under {@code sirocco.checkpoint.*}, F32 tensors {@code <param>},
 * {@code <param>.adam_m}, {@code <param>.adam_v}), written to a temporary file and renamed, so a killed run leaves
 * either the previous checkpoint or the new one.
 */
public record Checkpoint(String fingerprint, int step, int epoch, int position, double initialLoss) {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)\\.gguf");
    private static final String P = "sirocco.checkpoint.";

    public static Path file(Path dir, int step) {
        return dir.resolve("checkpoint-" + step + ".gguf");
    }

    public void write(Path dir, List<Parameter> params, AdamW adam) throws IOException {
        Files.createDirectories(dir);
        GgufWriter w = new GgufWriter();
        w.putString("general.type", "sirocco-checkpoint");
        w.putString(P + "fingerprint", fingerprint);
        w.putI64(P + "step", step);
        w.putI64(P + "epoch", epoch);
        w.putI64(P + "position", position);
        w.putF64(P + "initial_loss", initialLoss);
        w.putI64(P + "adam_steps", adam.steps());
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            add(w, p.name, p.value);
            add(w, p.name + ".adam_m", adam.firstMoments()[i]);
            add(w, p.name + ".adam_v", adam.secondMoments()[i]);
        }
        w.write(file(dir, step));
    }

    /** The checkpoint with the highest step in {@code dir}, or null when there is none. */
    public static Path latest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> NAME.matcher(f.getFileName().toString()).matches())
                    .max((a, b) -> Integer.compare(stepOf(a), stepOf(b))).orElse(null);
        }
    }

    /** Reads {@code file}, checks it belongs to the run {@code fingerprint} names, and restores params and moments in place. */
    public static Checkpoint restore(Path file, String fingerprint, List<Parameter> params, AdamW adam) throws IOException {
        try (GgufFile f = GgufFile.open(file)) {
            var md = f.metadata();
            String stored = md.getString(P + "fingerprint", "");
            if (!stored.equals(fingerprint)) {
                throw new IllegalArgumentException("checkpoint " + file + " is from a different run (other settings or data): "
                        + stored + " vs " + fingerprint + "; resume with the same flags and data, or remove the checkpoint folder");
            }
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                read(f, p.name, p.value);
                read(f, p.name + ".adam_m", adam.firstMoments()[i]);
                read(f, p.name + ".adam_v", adam.secondMoments()[i]);
            }
            adam.restoreSteps(md.getLong(P + "adam_steps"));
            return new Checkpoint(stored, md.getInt(P + "step"), md.getInt(P + "epoch"), md.getInt(P + "position"),
                    (Double) md.get(P + "initial_loss"));
        }
    }

    private static int stepOf(Path f) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static void add(GgufWriter w, String name, float[] values) {
        float[] v = values.clone();
        w.addTensor(name, GgmlType.F32, new long[]{v.length}, (MemorySegment dst) -> {
            for (int i = 0; i < v.length; i++) {
                dst.setAtIndex(LE_FLOAT, i, v[i]);
            }
        });
    }

    private static void read(GgufFile f, String name, float[] into) {
        if (!f.hasTensor(name)) {
            throw new IllegalArgumentException("checkpoint " + f.path() + " has no tensor " + name);
        }
        Tensor t = f.tensor(name);
        if (t.type() != GgmlType.F32 || t.elementCount() != into.length) {
            throw new IllegalArgumentException("checkpoint " + f.path() + ": " + name + " is " + t + ", expected F32[" + into.length + "]");
        }
        for (int i = 0; i < into.length; i++) {
            into[i] = t.data().getAtIndex(LE_FLOAT, i);
        }
    }
}
