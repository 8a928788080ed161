package dev.sirocco.train.data;

import dev.sirocco.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plain text for pretraining: the whole file tokenized once (BOS as the vocabulary says) and cut into windows of
 * {@code seqLen + 1} tokens that overlap by one, so every token but the first is predicted exactly once.
 */
public final class TextDataset {
    private TextDataset() {
    }

    public static List<Example> load(Path file, Tokenizer tokenizer, int seqLen) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new DatasetException(file.getFileName().toString(), "the file is empty");
        }
        int[] tokens = tokenizer.encode(text, true, false);
        if (tokens.length < 2) {
            throw new DatasetException(file.getFileName().toString(), "fewer than 2 tokens: nothing to predict");
        }
        List<Example> out = new ArrayList<>();
        for (int start = 0; start + 1 < tokens.length; start += seqLen) {
            int[] window = Arrays.copyOfRange(tokens, start, Math.min(tokens.length, start + seqLen + 1));
            float[] weights = new float[window.length];
            Arrays.fill(weights, 1f);
            out.add(new Example(file.getFileName() + " tokens " + start + ".." + (start + window.length - 1), window, weights));
        }
        return out;
    }
}
