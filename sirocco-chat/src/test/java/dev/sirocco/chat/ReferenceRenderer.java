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
 * Renders chat templates with reference engines: Python's Jinja2 set up as transformers sets it up
 * ({@code chat-template-oracle.py} under python3), and the JavaScript engines @huggingface/jinja and @lenml/tokenizers'
 * apply_chat_template ({@code chat-template-oracle.mjs} under node). Tests skip when an engine is absent.
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

    /** Renders each job with its engine: "jinja2" under python3, the others under node. */
    static List<List<Rendering>> render(List<Job> jobs) throws IOException, InterruptedException {
        List<Job> python = jobs.stream().filter(j -> j.engine().equals("jinja2")).toList();
        List<Job> node = jobs.stream().filter(j -> !j.engine().equals("jinja2")).toList();
        var fromPython = python.isEmpty() ? List.<List<Rendering>>of() : run(python, "python3", "chat-template-oracle.py", null);
        var fromNode = node.isEmpty() ? List.<List<Rendering>>of() : run(node, "node", "chat-template-oracle.mjs", nodeModules());
        List<List<Rendering>> out = new ArrayList<>();
        int p = 0;
        int n = 0;
        for (Job job : jobs) out.add(job.engine().equals("jinja2") ? fromPython.get(p++) : fromNode.get(n++));
        return out;
    }

    /** Skips the calling test unless python3 with Jinja2 (transformers' template engine) can run. */
    static void assumeJinja2() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import jinja2").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            Assumptions.assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "python3 has no jinja2");
        } catch (IOException | InterruptedException e) {
            Assumptions.abort("python3 is not runnable: " + e.getMessage());
        }
    }

    private static List<List<Rendering>> run(List<Job> jobs, String program, String scriptName, Path nodeModules)
            throws IOException, InterruptedException {
        ObjectNode input = JSON.createObjectNode();
        if (nodeModules != null) input.put("nodeModules", nodeModules.toAbsolutePath().toString());
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
        Path script = Files.createTempFile("chat-template-oracle", scriptName.substring(scriptName.lastIndexOf('.')));
        try (InputStream in = ReferenceRenderer.class.getResourceAsStream(scriptName)) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Process node;
            try {
                node = new ProcessBuilder(program, script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            } catch (IOException e) {
                Assumptions.abort(program + " is not runnable: " + e.getMessage());
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
