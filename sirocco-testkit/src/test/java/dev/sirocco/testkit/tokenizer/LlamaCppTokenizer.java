package dev.sirocco.testkit.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** llama.cpp's tokenizer (node-llama-cpp, vocab-only load) run through llama-cpp-tokenizer.mjs. */
final class LlamaCppTokenizer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LlamaCppTokenizer() {
    }

    record Result(int[] ids, String text) {
        @Override
        public String toString() {
            return Arrays.toString(ids) + " '" + text + "'";
        }
    }

    /** Each text tokenized with parse_special off, then each with it on (and detokenized with unparse_special alike). */
    static List<Result> tokenize(Path gguf, List<String> texts, Path workDir) throws Exception {
        Assumptions.assumeTrue(JsTokenizers.nodeModules().resolve("node-llama-cpp").toFile().isDirectory(),
                "node-llama-cpp is not installed");
        Path in = workDir.resolve("llama-cpp-in.json");
        Path out = workDir.resolve("llama-cpp-out.json");
        List<Map<String, Object>> inputs = new java.util.ArrayList<>();
        for (boolean special : new boolean[] {false, true}) {
            texts.forEach(t -> inputs.add(Map.of("text", t, "special", special)));
        }
        JSON.writeValue(in.toFile(), inputs);
        Path script = Path.of(LlamaCppTokenizer.class.getResource("llama-cpp-tokenizer.mjs").toURI());
        Process p;
        try {
            p = new ProcessBuilder("node", script.toString(), JsTokenizers.nodeModules().toString(), gguf.toString(),
                    in.toString(), out.toString()).redirectErrorStream(true).start();
        } catch (IOException noNode) {
            Assumptions.abort("node is not available: " + noNode.getMessage());
            return List.of();
        }
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 3) {
            Assumptions.abort("this llama.cpp build cannot load the vocabulary: " + log.substring(Math.max(0, log.length() - 500)));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("llama.cpp tokenizer failed: " + log.substring(Math.max(0, log.length() - 2000)));
        }
        return Arrays.asList(JSON.readValue(out.toFile(), Result[].class));
    }
}
