package dev.sirocco.testkit.tokenizer;

import dev.sirocco.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs llama.cpp's own tokenizer fixtures (models/ggml-vocab-NAME.gguf with .inp texts and .out expected ids, as
 * tests/test-tokenizer-0 checks them: no BOS/EOS, special tokens not parsed). Needs a llama.cpp checkout named by
 * the system property {@code sirocco.llamacpp.dir}; skipped without it.
 */
class LlamaCppVocabFixturesTest {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "llama-bpe", "qwen2", "gpt-2", "phi-3", "falcon", "starcoder", "refact",
            "command-r", "mpt", "deepseek-coder", "deepseek-llm", "gemma-4", "qwen35", "bert-bge"})
    void encodesLlamaCppFixturesIdentically(String name) throws Exception {
        String dir = System.getProperty("sirocco.llamacpp.dir");
        Assumptions.assumeTrue(dir != null, "set -Dsirocco.llamacpp.dir to a llama.cpp checkout");
        Path gguf = Path.of(dir, "models", "ggml-vocab-" + name + ".gguf");
        Assumptions.assumeTrue(Files.exists(gguf.resolveSibling(gguf.getFileName() + ".out")), "no fixture for " + name);
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizer.create(GgufVocabularyReader.read(gguf));
        } catch (IllegalArgumentException unsupported) {
            Assumptions.abort(unsupported.getMessage());
            return;
        }
        String inp = Files.readString(gguf.resolveSibling(gguf.getFileName() + ".inp"), StandardCharsets.UTF_8);
        List<String> texts = Arrays.asList(inp.split(SEPARATOR, -1));
        List<String> lines = Files.readAllLines(gguf.resolveSibling(gguf.getFileName() + ".out"), StandardCharsets.UTF_8);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < texts.size() && i < lines.size(); i++) {
            String text = texts.get(i);
            int[] expected = lines.get(i).isBlank() ? new int[0]
                    : Arrays.stream(lines.get(i).trim().split(" +")).mapToInt(Integer::parseInt).toArray();
            int[] actual = tokenizer.encode(text, false, false);
            if (!Arrays.equals(expected, actual)) {
                failures.add("'" + text + "'\n expected " + Arrays.toString(expected) + "\n actual   " + Arrays.toString(actual));
            }
        }
        assertThat(failures).as(name).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "llama-bpe", "qwen2", "gpt-2", "phi-3", "falcon", "starcoder", "refact",
            "command-r", "mpt", "gemma-4", "qwen35", "aquila", "baichuan", "gpt-neox", "deepseek-coder", "deepseek-llm", "bert-bge", "nomic-bert-moe"})
    void matchesNodeLlamaCppOnRandomTextWithSpecialTokens(String name, @TempDir Path tmp) throws Exception {
        String dir = System.getProperty("sirocco.llamacpp.dir");
        Assumptions.assumeTrue(dir != null, "set -Dsirocco.llamacpp.dir to a llama.cpp checkout");
        Path gguf = Path.of(dir, "models", "ggml-vocab-" + name + ".gguf");
        Assumptions.assumeTrue(Files.exists(gguf), "no " + gguf);
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizer.create(GgufVocabularyReader.read(gguf));
        } catch (IllegalArgumentException unsupported) {
            Assumptions.abort(unsupported.getMessage());
            return;
        }
        RealVocabulariesTest.assertMatchesLlamaCpp(gguf, tokenizer, RealVocabulariesTest.TEXTS, 100, tmp);
    }

    @Test
    void convertedLlama2VocabularyTokenizesLikeLlamaCppsOwnGguf(@TempDir Path tmp) throws Exception {
        String dir = System.getProperty("sirocco.llamacpp.dir");
        Assumptions.assumeTrue(dir != null, "set -Dsirocco.llamacpp.dir to a llama.cpp checkout");
        Tokenizer real = Tokenizer.create(GgufVocabularyReader.read(Path.of(dir, "models", "ggml-vocab-llama-spm.gguf")));
        Tokenizer converted = Tokenizer.create(HfTokenizerJson.convert(JsTokenizers.dump("llama2", tmp), null, null, null));
        List<String> texts = new ArrayList<>(RealVocabulariesTest.TEXTS);
        texts.addAll(List.of("a   b", "a     b", "x          y\n\n\n   z", "  leading", "trailing     "));
        for (String text : texts) {
            assertThat(converted.encode(text, true, true)).as(text).containsExactly(real.encode(text, true, true));
        }
    }
}
