package dev.sirocco.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Renders chat templates with the JavaScript reference engines (@huggingface/jinja, and @lenml/tokenizers'
 * apply_chat_template) by running {@code chat-template-oracle.mjs} under node; tests skip when node or the npm
 * packages are absent.
 */
final class ReferenceRenderer {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One rendering: the output, or the error the reference engine raised. */
    record Rendering(String output, String error) {
    }

    /** A batch of cases rendered by one engine with one template. */
    record Job(String engine, String packageName, String template, String bos, String eos, List<ObjectNode> cases) {
    }

    static Path nodeModules() {
        Path dir = Path.of(System.getProperty("sirocco.oracle.nodeModules", "../sirocco-testkit/oracle/node_modules"));
        Assumptions.assumeTrue(Files.isDirectory(dir.resolve("@huggingface/jinja")),
                "npm reference packages not installed at " + dir.toAbsolutePath());
        return dir;
    }

    static List<List<Rendering>> render(List<Job> jobs) throws IOException, InterruptedException {
        Path nodeModules = nodeModules();
        ObjectNode input = JSON.createObjectNode();
        input.put("nodeModules", nodeModules.toAbsolutePath().toString());
        ArrayNode jobNodes = input.putArray("jobs");
        for (Job job : jobs) {
            ObjectNode j = jobNodes.addObject();
            j.put("engine", job.engine());
            if (job.packageName() != null) j.put("package", job.packageName());
            if (job.template() != null) j.put("template", job.template());
            if (job.bos() != null) j.put("bos_token", job.bos());
            if (job.eos() != null) j.put("eos_token", job.eos());
            j.putArray("cases").addAll(job.cases());
        }
        Path script = Files.createTempFile("chat-template-oracle", ".mjs");
        try (InputStream in = ReferenceRenderer.class.getResourceAsStream("chat-template-oracle.mjs")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Process node;
            try {
                node = new ProcessBuilder("node", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            } catch (IOException e) {
                Assumptions.abort("node is not runnable: " + e.getMessage());
                throw e;
            }
            try (OutputStream stdin = node.getOutputStream()) {
                stdin.write(JSON.writeValueAsBytes(input));
            }
            byte[] stdout = node.getInputStream().readAllBytes();
            if (!node.waitFor(120, TimeUnit.SECONDS) || node.exitValue() != 0) {
                throw new IllegalStateException("reference renderer failed: " + new String(stdout, StandardCharsets.UTF_8));
            }
            JsonNode results = JSON.readTree(stdout).get("results");
            List<List<Rendering>> out = new ArrayList<>();
            for (JsonNode job : results) {
                List<Rendering> renderings = new ArrayList<>();
                for (JsonNode r : job) {
                    renderings.add(new Rendering(r.has("output") ? r.get("output").asText() : null,
                            r.has("error") ? r.get("error").asText() : null));
                }
                out.add(renderings);
            }
            return out;
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
