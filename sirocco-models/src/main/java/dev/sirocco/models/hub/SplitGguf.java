package dev.sirocco.models.hub;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.models.ModelRequestException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Joins the shards of a split GGUF model ({@code name-00001-of-00003.gguf}, as llama.cpp's gguf-split writes them:
 * every shard carries {@code split.no}, {@code split.count} and {@code split.tensors.count}; the first also holds the
 * model's metadata) into one file, so the store keeps one {@code model.gguf} per model.
 */
public final class SplitGguf {
    static final String NO = "split.no";
    static final String COUNT = "split.count";
    static final String TENSORS = "split.tensors.count";

    private SplitGguf() {
    }

    /** Writes the model held by {@code shards} (in order) to {@code out}, checking that they are one complete set. */
    public static void merge(List<Path> shards, Path out) throws IOException {
        List<GgufFile> files = new ArrayList<>();
        try {
            for (Path p : shards) {
                files.add(GgufFile.open(p));
            }
            GgufFile first = files.getFirst();
            int count = first.metadata().getInt(COUNT, -1);
            if (count != shards.size()) {
                throw new ModelRequestException(shards.getFirst().getFileName() + " says the model has " + count
                        + " shards (" + COUNT + ") but " + shards.size() + " were downloaded");
            }
            long expectedTensors = first.metadata().getLong(TENSORS, -1);
            GgufWriter w = new GgufWriter();
            for (String key : first.metadata().keys()) {
                if (!key.startsWith("split.")) {
                    w.putValue(key, first.metadata().typeOf(key), first.metadata().get(key));
                }
            }
            Set<String> names = new HashSet<>();
            long tensors = 0;
            for (int i = 0; i < files.size(); i++) {
                GgufFile f = files.get(i);
                int no = f.metadata().getInt(NO, -1);
                if (no != i || f.metadata().getInt(COUNT, -1) != count) {
                    throw new ModelRequestException(shards.get(i).getFileName() + " is shard " + no + " of "
                            + f.metadata().getInt(COUNT, -1) + " (" + NO + ", " + COUNT + "), expected shard " + i + " of " + count);
                }
                for (GgufTensorInfo t : f.tensorInfos()) {
                    if (!names.add(t.name())) {
                        throw new ModelRequestException("tensor " + t.name() + " appears in two shards (again in "
                                + shards.get(i).getFileName() + ")");
                    }
                    w.addTensor(t.name(), t.type(), t.shape(), f.tensor(t.name()).data());
                    tensors++;
                }
            }
            if (expectedTensors >= 0 && tensors != expectedTensors) {
                throw new ModelRequestException("the shards hold " + tensors + " tensors but " + TENSORS + " says "
                        + expectedTensors + "; a shard is missing or damaged");
            }
            w.write(out);
        } finally {
            files.forEach(GgufFile::close);
        }
    }
}
