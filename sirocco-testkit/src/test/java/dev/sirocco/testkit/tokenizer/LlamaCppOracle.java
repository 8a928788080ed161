package dev.sirocco.testkit.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** llama.cpp's tokenizer (node-llama-cpp, vocab-only loads) run through llama-cpp-tokenizer.mjs, one node process per call. */
final class LlamaCppOracle {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LlamaCppOracle() {
    }

    record Result(int[] ids, String text) {
        @Override
        public String toString() {
            return Arrays.toString(ids) + " '" + text + "'";
        }
    }

    /** Per model: each text tokenized with parse_special off, then each with it on; null when llama.cpp cannot load it. */
    static Map<Path, List<Result>> tokenize(List<Path> models, List<String> texts, Path workDir) throws Exception {
        Assumptions.assumeTrue(JsTokenizers.nodeModules().resolve("node-llama-cpp").toFile().isDirectory(),
                "node-llama-cpp is not installed");
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (boolean special : new boolean[] {false, true}) {
            texts.forEach(t -> inputs.add(Map.of("text", t, "special", special)));
        }
        List<Map<String, Object>> jobs = models.stream()
                .map(m -> Map.<String, Object>of("model", m.toString(), "inputs", inputs)).toList();
        Path in = workDir.resolve("llama-cpp-jobs.json");
        Path out = workDir.resolve("llama-cpp-out.json");
        JSON.writeValue(in.toFile(), jobs);
        Path script = Path.of(LlamaCppOracle.class.getResource("llama-cpp-tokenizer.mjs").toURI());
        Process p;
        try {
            p = new ProcessBuilder("node", script.toString(), JsTokenizers.nodeModules().toString(), in.toString(), out.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException noNode) {
            Assumptions.abort("node is not available: " + noNode.getMessage());
            return Map.of();
        }
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("llama.cpp tokenizer failed: " + log.substring(Math.max(0, log.length() - 2000)));
        }
        JsonNode results = JSON.readTree(out.toFile());
        Map<Path, List<Result>> byModel = new LinkedHashMap<>();
        for (int i = 0; i < models.size(); i++) {
            JsonNode r = results.get(i);
            byModel.put(models.get(i), r.has("error") ? null : Arrays.asList(JSON.treeToValue(r.get("results"), Result[].class)));
        }
        return byModel;
    }

    /** One model; the test is skipped when this llama.cpp build cannot load it. */
    static List<Result> tokenize(Path model, List<String> texts, Path workDir) throws Exception {
        List<Result> results = tokenize(List.of(model), texts, workDir).get(model);
        Assumptions.assumeTrue(results != null, "this llama.cpp build cannot load " + model);
        return results;
    }
}
