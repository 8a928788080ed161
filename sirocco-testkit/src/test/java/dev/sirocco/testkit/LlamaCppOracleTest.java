package dev.sirocco.testkit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlamaCppOracleTest {

    @TempDir
    static Path dir;
    static Path model;
    static List<String> vocab;

    @BeforeAll
    static void writeModel() {
        model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        vocab = Arrays.asList(TokenizerMetadata.syntheticSpm().tokens());
    }

    @Test
    void missingInstallationNamesBinTest(@TempDir Path empty) {
        assertThatThrownBy(() -> LlamaCppOracle.start(empty, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bin/test");
    }

    @Test
    void fileThatIsNotGgufIsRefusedAndTheOracleStaysUsable() throws IOException {
        Path garbage = dir.resolve("garbage.gguf");
        byte[] bytes = new byte[4096];
        new Random(7).nextBytes(bytes);
        Files.write(garbage, bytes);
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        assertThatThrownBy(() -> oracle.info(garbage))
                .isInstanceOf(LlamaCppOracle.OracleException.class)
                .hasMessageContaining("garbage.gguf");
        assertThat(oracle.tokenize(model, "the", false, false)).containsExactly(vocab.indexOf("▁the"));
    }

    @Test
    void vocabularyFactsComeFromTheFile() {
        VocabInfo info = LlamaCppOracle.shared().info(model);
        assertThat(info).isEqualTo(new VocabInfo(vocab.size(), TokenizerMetadata.BOS, TokenizerMetadata.EOS, true, false, "spm"));
    }

    @Test
    void wordsInTheVocabularyBecomeSingleTokensAfterTheSpacePrefix() {
        int[] tokens = LlamaCppOracle.shared().tokenize(model, "the people of the world", false, false);
        assertThat(tokens).containsExactly(vocab.indexOf("▁the"), vocab.indexOf("▁people"), vocab.indexOf("▁of"),
                vocab.indexOf("▁the"), vocab.indexOf("▁world"));
    }

    @Test
    void addSpecialPrependsBosAsTheMetadataSays() {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        int[] plain = oracle.tokenize(model, "hello world", false, false);
        int[] special = oracle.tokenize(model, "hello world", true, false);
        assertThat(special[0]).isEqualTo(TokenizerMetadata.BOS);
        assertThat(Arrays.copyOfRange(special, 1, special.length)).containsExactly(plain);

        Map<String, Object> meta = new LinkedHashMap<>(TokenizerMetadata.syntheticSpm().metadata());
        meta.put("tokenizer.ggml.add_bos_token", false);
        meta.put("tokenizer.ggml.add_eos_token", true);
        Path noBos = RandomModels.write(ModelSpec.tinyLlama().toBuilder().tokenizer(TokenizerMetadata.of(meta)).build(),
                dir.resolve("eos-not-bos.gguf"));
        int[] t = oracle.tokenize(noBos, "hello world", true, false);
        assertThat(t[0]).isNotEqualTo(TokenizerMetadata.BOS);
        assertThat(t[t.length - 1]).isEqualTo(TokenizerMetadata.EOS);
    }

    @Test
    void parseSpecialTurnsControlTokenTextIntoTheToken() {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        int start = vocab.indexOf("<|ctl_begin|>");
        assertThat(oracle.tokenize(model, "<|ctl_begin|>the", false, true)).containsExactly(start, vocab.indexOf("▁the"));
        assertThat(oracle.tokenize(model, "<|ctl_begin|>the", false, false)).doesNotContain(start).hasSizeGreaterThan(2);
    }

    @Test
    void textOutsideTheVocabularyRoundTripsThroughByteTokens() {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        String text = "café ☕ naïve";
        int[] tokens = oracle.tokenize(model, text, false, false);
        assertThat(tokens).contains(vocab.indexOf("<0xC3>"), vocab.indexOf("<0xA9>")); // é in UTF-8
        assertThat(oracle.detokenize(model, tokens, false)).endsWith(text);
    }

    @Test
    void lastLogitsEqualTheLastRowOfAllLogits() {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        int[] tokens = oracle.tokenize(model, "what time is it", true, false);
        float[][] all = oracle.logits(model, tokens, true);
        float[] last = oracle.lastLogits(model, tokens);
        assertThat(all).hasNumberOfRows(tokens.length);
        assertThat(last).hasSize(vocab.size());
        for (int t = 0; t < last.length; t++) {
            assertThat(last[t]).isCloseTo(all[tokens.length - 1][t], org.assertj.core.data.Offset.offset(5e-3f));
        }
    }

    @Test
    void greedyGapsAreTheTopTwoLogitDifference() {
        GreedyResult g = LlamaCppOracle.shared().greedy(model, new int[] {TokenizerMetadata.BOS, vocab.indexOf("▁the")}, 3, true);
        for (int step = 0; step < 3; step++) {
            float[] row = g.logits()[step].clone();
            Arrays.sort(row);
            assertThat(g.gaps()[step]).isEqualTo(row[row.length - 1] - row[row.length - 2]);
            assertThat(g.logits()[step][g.tokens()[step]]).isEqualTo(row[row.length - 1]);
        }
        assertThat(g.firstDivergence(g.tokens())).isEqualTo(-1);
        assertThat(g.firstDivergence(new int[] {g.tokens()[0], -1})).isEqualTo(1);
    }

    @Test
    void anF16KvCacheMovesLogitsSlightlyFromTheExactSettings() {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        int[] tokens = oracle.tokenize(model, "the water was very long", true, false);
        float[][] exact = oracle.logits(model, tokens, true);
        float[][] f16 = oracle.logits(model, tokens, true, OracleSettings.EXACT.withKvType("F16"));
        double worst = 0;
        for (int p = 0; p < tokens.length; p++) {
            for (int t = 0; t < exact[p].length; t++) {
                worst = Math.max(worst, Math.abs(exact[p][t] - f16[p][t]));
            }
        }
        assertThat(worst).isGreaterThan(0).isLessThan(0.05);
    }

    @Test
    void syntheticBpeVocabularyLoadsAndMergesSpacedWords() {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        TokenizerMetadata bpe = TokenizerMetadata.syntheticBpe("qwen2");
        List<String> tokens = Arrays.asList(bpe.tokens());
        Path file = RandomModels.write(ModelSpec.tinyQwen2().toBuilder().tokenizer(bpe).build(), dir.resolve("bpe.gguf"));
        VocabInfo info = oracle.info(file);
        assertThat(info.vocabularyType()).isEqualTo("bpe");
        assertThat(info.addBos()).isFalse();
        assertThat(info.nVocab()).isEqualTo(tokens.size());
        assertThat(oracle.tokenize(file, "the people of the world", true, false)).containsExactly(
                tokens.indexOf("the"), tokens.indexOf("Ġpeople"), tokens.indexOf("Ġof"), tokens.indexOf("Ġthe"),
                tokens.indexOf("Ġworld"));
        String text = "naïve café ☕ <|im_end|>";
        int[] special = oracle.tokenize(file, text, false, true);
        assertThat(special[special.length - 1]).isEqualTo(tokens.indexOf("<|im_end|>"));
        assertThat(oracle.detokenize(file, oracle.tokenize(file, text, false, false), false)).isEqualTo(text);
    }

    @Test
    void tokenizeAllEqualsTokenizingOneByOne() {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        List<String> texts = List.of("", "the", " the people", "<|ctl_begin|>x\n\ty", "naïve ☕");
        int[][] all = oracle.tokenizeAll(model, texts, true, true);
        assertThat(all).hasNumberOfRows(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(all[i]).as(texts.get(i)).containsExactly(oracle.tokenize(model, texts.get(i), true, true));
        }
    }
}
