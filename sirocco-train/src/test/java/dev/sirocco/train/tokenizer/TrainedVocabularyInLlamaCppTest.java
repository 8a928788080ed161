package dev.sirocco.train.tokenizer;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.tokenizer.Tokenizer;
import dev.sirocco.engine.tokenizer.Vocabularies;
import dev.sirocco.testkit.LlamaCppOracle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A vocabulary {@link ChatVocabulary} learns is a valid {@code gpt2}/{@code qwen2} vocabulary to llama.cpp: it
 * tokenizes and detokenizes random text exactly as our engine does, special tokens included.
 */
class TrainedVocabularyInLlamaCppTest {
    private static final String[] WORDS = {"the", "whale", "Congress", "ship", "sea", "of", "and", "United", "States",
            "Ishmael", "budget", "peace", "harpoon", "don't", "we'll", "café", "naïve", "1946", "3.5%", "$120", "—", "\"",
            "(", ")", ",", ".", ";", "?!", "\n", "\n\n", "  ", "\t", "日本", "😀", "e-mail", "<tool_call>", "<|im_end|>"};

    @TempDir
    static Path dir;
    static Path gguf;
    static TrainedVocabulary vocabulary;

    @BeforeAll
    static void train() throws Exception {
        List<String> corpus = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int d = 0; d < 40; d++) {
            corpus.add(text(rnd, 400));
        }
        vocabulary = ChatVocabulary.train(corpus, 700);
        gguf = dir.resolve("tokenizer.gguf");
        ChatVocabulary.write(vocabulary, gguf);
    }

    private static String text(SplittableRandom rnd, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            String w = WORDS[rnd.nextInt(WORDS.length)];
            sb.append(rnd.nextInt(3) == 0 ? w.toUpperCase(java.util.Locale.ROOT) : w);
            if (rnd.nextInt(4) != 0) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    @Test
    void learnsTheSizeAskedForWithMergesInOrder() {
        assertThat(vocabulary.size()).isEqualTo(700);
        assertThat(vocabulary.merges()).hasSize(700 - 256 - ChatVocabulary.SPECIALS.size());
        // every merge joins two tokens that exist before it, into the token added for it
        for (int m = 0; m < vocabulary.merges().size(); m++) {
            String[] parts = vocabulary.merges().get(m).split(" ");
            List<String> before = vocabulary.normalTokens().subList(0, 256 + m);
            assertThat(before).contains(parts[0], parts[1]);
            assertThat(vocabulary.normalTokens().get(256 + m)).isEqualTo(parts[0] + parts[1]);
        }
    }

    @Test
    void tokenizesAsLlamaCppDoes() throws Exception {
        Tokenizer ours;
        try (GgufFile f = GgufFile.open(gguf)) {
            ours = Tokenizer.create(Vocabularies.fromMetadata(f.metadata()));
        }
        SplittableRandom rnd = new SplittableRandom(11);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            texts.add(text(rnd, 1 + rnd.nextInt(40)));
        }
        texts.add("<|im_start|>user\nCall me Ishmael.<|im_end|>\n<|im_start|>assistant\n");
        int[][] theirs = LlamaCppOracle.shared().tokenizeAll(gguf, texts, false, true);
        for (int i = 0; i < texts.size(); i++) {
            int[] mine = ours.encode(texts.get(i), false, true);
            assertThat(mine).as("tokens of %s", texts.get(i)).containsExactly(theirs[i]);
            assertThat(LlamaCppOracle.shared().detokenize(gguf, mine, true)).isEqualTo(ours.decode(mine, false, true));
            assertThat(ours.decode(mine, false, true)).isEqualTo(texts.get(i));
        }
        int imEnd = vocabulary.idOf(ChatVocabulary.END_OF_TURN);
        assertThat(ours.encode("<|im_end|>", false, true)).containsExactly(imEnd);
        assertThat(ours.specialTokens().endOfGeneration()).contains(imEnd, vocabulary.idOf(ChatVocabulary.END_OF_TEXT));
    }
}
