package dev.sirocco.cli;

import dev.sirocco.train.tokenizer.ChatVocabulary;
import dev.sirocco.train.tokenizer.TrainedVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sirocco train-tokenizer}: learns a byte-level BPE vocabulary from text files and writes it as a tokenizer-only
 * GGUF (ChatML specials and chat template included) for {@code sirocco train --tokenizer-from}.
 */
@Command(name = "train-tokenizer", mixinStandardHelpOptions = true,
        description = "Learn a byte-level BPE vocabulary (ChatML specials, tool-call markers) from text; write it as a tokenizer-only GGUF.")
final class TrainTokenizerCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "F", description = "A UTF-8 text file to learn from (repeatable).")
    List<Path> data = new ArrayList<>();

    @Option(names = "--vocab", defaultValue = "8192", paramLabel = "N", description = "Tokens in all, specials included (default 8192).")
    int vocab;

    @Option(names = "--out", required = true, paramLabel = "TOKENIZER.gguf", description = "Where to write the vocabulary.")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> texts = new ArrayList<>();
        for (Path f : data) {
            if (!Files.isRegularFile(f)) {
                throw new BadInputException("--data " + f + ": no such file");
            }
            texts.add(Files.readString(f, StandardCharsets.UTF_8));
        }
        if (vocab < 256 + ChatVocabulary.SPECIALS.size() || vocab > 1 << 20) {
            throw new BadInputException("--vocab " + vocab + ": give a size from " + (256 + ChatVocabulary.SPECIALS.size())
                    + " (the 256 bytes and the special tokens) to 1048576");
        }
        long start = System.nanoTime();
        TrainedVocabulary v = ChatVocabulary.train(texts, vocab);
        ChatVocabulary.write(v, out);
        System.err.printf("sirocco: %d tokens (%d merges, %d special) learned in %.1f s; written to %s%n", v.size(),
                v.merges().size(), v.specials().size(), (System.nanoTime() - start) / 1e9, out);
        if (v.size() < vocab) {
            System.err.printf("sirocco: the text has no pair left that occurs twice, so the vocabulary stopped at %d of %d%n",
                    v.size(), vocab);
        }
        return Main.EXIT_OK;
    }
}
