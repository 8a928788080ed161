package dev.sirocco.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp (the prebuilt CPU build shipped by npm {@code node-llama-cpp}) as the reference our engine is
 * compared with: tokenization, logits and greedy continuations of GGUF files.
 *
 * <p>One long-lived {@code node} process runs {@code oracle/llama-oracle.mjs} and answers JSON lines; it
 * keeps loaded models (reloading a file that changed). Logits come from contexts with flash attention off,
 * an F32 K/V cache and a fixed thread count, so they are as close to an F32 reference as llama.cpp gets.
 *
 * <p>Configuration (system properties): {@code sirocco.oracle.dir} (the folder holding
 * {@code llama-oracle.mjs} and {@code node_modules}; default {@code oracle/} found from the working
 * directory), {@code sirocco.node} (the node executable, default {@code node}),
 * {@code sirocco.oracle.threads} (default 2), {@code sirocco.oracle.timeoutSeconds} (per request, default 300),
 * {@code sirocco.oracle.cpuVariant} (the ggml CPU backend variant llama.cpp must load, default {@code haswell}:
 * AVX2 + FMA, the code our kernels mirror; {@code best} lets ggml pick, see {@link PinnedCpuVariant}).
 */
public final class LlamaCppOracle implements AutoCloseable {

    private static final String SCRIPT = "llama-oracle.mjs";
    private static final String INSTALL_HINT =
            "run bin/test once (it installs the oracle with npm ci in sirocco-testkit/oracle), "
                    + "or point -Dsirocco.oracle.dir at a folder holding llama-oracle.mjs and node_modules";
    private static final int STDERR_LINES = 60;
    private static final Object EOF = new Object();
    private static LlamaCppOracle shared;

    private final ObjectMapper json = new ObjectMapper();
    private final PinnedCpuVariant runDir;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final long timeoutSeconds;
    private long nextId = 1;

    private LlamaCppOracle(Path oracleDir, String node, int threads, long timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
        this.runDir = PinnedCpuVariant.prepare(oracleDir, SCRIPT, System.getProperty("sirocco.oracle.cpuVariant", "haswell"));
        ProcessBuilder pb = new ProcessBuilder(node, SCRIPT).directory(runDir.dir().toFile());
        pb.environment().put("SIROCCO_ORACLE_THREADS", Integer.toString(threads));
        pb.environment().put("NODE_LLAMA_CPP_SKIP_DOWNLOAD", "true");
        if (runDir.pinned()) {
            pb.environment().put("NODE_PRESERVE_SYMLINKS", "1");
        }
        try {
            process = pb.start();
        } catch (IOException e) {
            runDir.close();
            throw new IllegalStateException("cannot start the llama.cpp oracle with '" + node + "' (Node.js 20+ needed): "
                    + e.getMessage() + "; install Node.js and " + INSTALL_HINT, e);
        }
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("llama-oracle-stdout").start(() -> pump(
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true));
        Thread.ofPlatform().daemon().name("llama-oracle-stderr").start(() -> pump(
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false));
        JsonNode ready = await(0, "start");
        if (!ready.path("ready").asBoolean()) {
            throw failure("start", "unexpected first line " + ready);
        }
    }

    /** Starts an oracle configured by the system properties described on the class. */
    public static LlamaCppOracle start() {
        return start(locateOracleDir(),
                Integer.getInteger("sirocco.oracle.threads", 2));
    }

    /** Starts an oracle from {@code oracleDir} (holding {@code llama-oracle.mjs} and its {@code node_modules}). */
    public static LlamaCppOracle start(Path oracleDir, int threads) {
        checkInstalled(oracleDir);
        return new LlamaCppOracle(oracleDir, System.getProperty("sirocco.node", "node"), threads,
                Long.getLong("sirocco.oracle.timeoutSeconds", 300));
    }

    /**
     * One oracle for the whole test JVM, started on first use and stopped when the JVM exits; saves the
     * start-up (about a second) and model loads across test classes. Do not close it.
     */
    public static synchronized LlamaCppOracle shared() {
        if (shared == null || !shared.process.isAlive()) {
            LlamaCppOracle oracle = start();
            Runtime.getRuntime().addShutdownHook(new Thread(oracle::close, "llama-oracle-shutdown"));
            shared = oracle;
        }
        return shared;
    }

    /** The oracle folder: {@code sirocco.oracle.dir}, else {@code oracle/} as seen from the testkit module, the repository root or a sibling module. */
    public static Path locateOracleDir() {
        String configured = System.getProperty("sirocco.oracle.dir");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        List<Path> candidates = List.of(Path.of("oracle"), Path.of("sirocco-testkit", "oracle"),
                Path.of("..", "sirocco-testkit", "oracle"));
        for (Path c : candidates) {
            if (Files.isRegularFile(c.resolve(SCRIPT))) {
                return c.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("llama.cpp oracle folder not found (looked for " + candidates + " holding "
                + SCRIPT + " from " + Path.of("").toAbsolutePath() + "); " + INSTALL_HINT);
    }

    private static void checkInstalled(Path dir) {
        if (!Files.isRegularFile(dir.resolve(SCRIPT))) {
            throw new IllegalStateException("llama.cpp oracle script " + dir.resolve(SCRIPT) + " is missing; " + INSTALL_HINT);
        }
        Path pkg = dir.resolve("node_modules").resolve("node-llama-cpp").resolve("package.json");
        if (!Files.isRegularFile(pkg)) {
            throw new IllegalStateException("llama.cpp oracle is not installed: " + pkg + " is missing; " + INSTALL_HINT);
        }
    }

    /** Vocabulary facts llama.cpp read from {@code gguf} (loads the vocabulary only). */
    public synchronized VocabInfo info(Path gguf) {
        JsonNode r = call(request("info", gguf));
        return new VocabInfo(r.get("nVocab").asInt(), r.path("bos").asInt(-1), r.path("eos").asInt(-1),
                r.get("addBos").asBoolean(), r.get("addEos").asBoolean(), r.path("vocabularyType").asText());
    }

    /**
     * llama.cpp's {@code llama_tokenize(text, addSpecial, parseSpecial)}: {@code addSpecial} adds BOS/EOS as the
     * file's metadata says, {@code parseSpecial} turns special-token text (e.g. {@code <s>}) into those tokens.
     */
    public synchronized int[] tokenize(Path gguf, String text, boolean addSpecial, boolean parseSpecial) {
        ObjectNode req = request("tokenize", gguf);
        req.put("text", text).put("addSpecial", addSpecial).put("parseSpecial", parseSpecial);
        return ints(call(req).get("tokens"));
    }

    /** {@link #tokenize} of many texts in one round trip (for randomized tokenizer comparisons). */
    public synchronized int[][] tokenizeAll(Path gguf, List<String> texts, boolean addSpecial, boolean parseSpecial) {
        ObjectNode req = request("tokenizeAll", gguf);
        req.put("addSpecial", addSpecial).put("parseSpecial", parseSpecial).set("texts", json.valueToTree(texts));
        JsonNode all = call(req).get("tokens");
        int[][] out = new int[all.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ints(all.get(i));
        }
        return out;
    }

    /** llama.cpp's {@code llama_detokenize}; {@code special} renders special tokens as their text. */
    public synchronized String detokenize(Path gguf, int[] tokens, boolean special) {
        ObjectNode req = request("detokenize", gguf);
        req.put("special", special).set("tokens", json.valueToTree(tokens));
        return call(req).get("text").asText();
    }

    /**
     * Logits after evaluating {@code tokens} from an empty context with {@link OracleSettings#EXACT}:
     * {@code [tokens.length][nVocab]} when {@code allPositions}, else {@code [1][nVocab]} for the last position.
     */
    public float[][] logits(Path gguf, int[] tokens, boolean allPositions) {
        return logits(gguf, tokens, allPositions, OracleSettings.EXACT);
    }

    /** {@link #logits(Path, int[], boolean)} with the given K/V cache type, attention kernel and LoRA adapters. */
    public synchronized float[][] logits(Path gguf, int[] tokens, boolean allPositions, OracleSettings settings) {
        ObjectNode req = request("logits", gguf);
        req.put("all", allPositions).set("tokens", json.valueToTree(tokens));
        return floatRows(call(settings(req, settings)).get("logits"));
    }

    /** Logits at the last position of {@code tokens}: {@code [nVocab]}. */
    public float[] lastLogits(Path gguf, int[] tokens) {
        return logits(gguf, tokens, false)[0];
    }

    /** {@code n} greedy steps after {@code prompt}, with the top-2 logit gap of each step (no full logits). */
    public GreedyResult greedy(Path gguf, int[] prompt, int n) {
        return greedy(gguf, prompt, n, false);
    }

    /** {@code n} greedy steps after {@code prompt}; {@code withLogits} also returns every step's logits. */
    public GreedyResult greedy(Path gguf, int[] prompt, int n, boolean withLogits) {
        return greedy(gguf, prompt, n, withLogits, OracleSettings.EXACT);
    }

    /** {@link #greedy(Path, int[], int, boolean)} with the given K/V cache type, attention kernel and LoRA adapters. */
    public synchronized GreedyResult greedy(Path gguf, int[] prompt, int n, boolean withLogits, OracleSettings settings) {
        ObjectNode req = request("greedy", gguf);
        req.put("n", n).put("withLogits", withLogits).set("prompt", json.valueToTree(prompt));
        JsonNode r = call(settings(req, settings));
        JsonNode gaps = r.get("gaps");
        float[] g = new float[gaps.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) gaps.get(i).asDouble();
        }
        return new GreedyResult(ints(r.get("tokens")), g, floatRows(r.get("logits")));
    }

    @Override
    public synchronized void close() {
        if (!process.isAlive()) {
            runDir.close();
            return;
        }
        try {
            stdin.close(); // the script disposes its models and exits at end of input
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            runDir.close();
        }
    }

    private ObjectNode request(String op, Path gguf) {
        ObjectNode req = json.createObjectNode();
        req.put("id", nextId++).put("op", op).put("model", gguf.toAbsolutePath().toString());
        return req;
    }

    private ObjectNode settings(ObjectNode req, OracleSettings settings) {
        req.put("kvType", settings.kvType()).put("flashAttention", settings.flashAttention());
        var lora = req.putArray("lora");
        for (OracleSettings.Lora a : settings.lora()) {
            lora.addObject().put("path", a.path().toAbsolutePath().toString()).put("scale", a.scale());
        }
        return req;
    }

    private JsonNode call(ObjectNode req) {
        String what = req.get("op").asText() + " " + req.get("model").asText();
        if (!process.isAlive()) {
            throw failure(what, "the node process has exited");
        }
        synchronized (stderrTail) {
            stderrTail.clear();
        }
        try {
            stdin.write(json.writeValueAsString(req));
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw failure(what, "cannot write to the node process: " + e.getMessage());
        }
        JsonNode reply = await(req.get("id").asLong(), what);
        if (!reply.path("ok").asBoolean()) {
            throw failure(what, reply.path("error").asText());
        }
        return reply;
    }

    private JsonNode await(long id, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            Object line;
            try {
                line = replies.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(what, "interrupted");
            }
            if (line == null) {
                process.destroyForcibly();
                throw failure(what, "no reply within " + timeoutSeconds + " s (process killed)");
            }
            if (line == EOF) {
                replies.add(EOF);
                throw failure(what, "the node process exited (status " + exitStatus() + ")");
            }
            JsonNode reply;
            try {
                reply = json.readTree((String) line);
            } catch (IOException e) {
                throw failure(what, "unreadable reply line: " + line);
            }
            if (reply.path("id").asLong(-2) == id) {
                return reply;
            }
        }
    }

    private String exitStatus() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private OracleException failure(String what, String message) {
        try {
            Thread.sleep(100); // llama.cpp's log lines (stderr) may trail the reply (stdout)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String tail;
        synchronized (stderrTail) {
            tail = String.join("\n", stderrTail);
        }
        return new OracleException("llama.cpp oracle failed (" + what + "): " + message
                + (tail.isEmpty() ? "" : "\n--- oracle stderr ---\n" + tail));
    }

    private void pump(BufferedReader in, boolean protocol) {
        try (in) {
            String line;
            while ((line = in.readLine()) != null) {
                if (protocol) {
                    replies.add(line);
                } else {
                    synchronized (stderrTail) {
                        if (stderrTail.size() == STDERR_LINES) {
                            stderrTail.removeFirst();
                        }
                        stderrTail.addLast(line);
                    }
                }
            }
        } catch (IOException e) {
            if (protocol) {
                throw new UncheckedIOException(e);
            }
        } finally {
            if (protocol) {
                replies.add(EOF);
            }
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    // Each row arrives as base64 of little-endian float32s: exact and compact for large vocabularies.
    private static float[][] floatRows(JsonNode rows) {
        List<float[]> out = new ArrayList<>();
        for (JsonNode row : rows) {
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(row.asText())).order(ByteOrder.LITTLE_ENDIAN);
            float[] f = new float[bytes.remaining() / Float.BYTES];
            bytes.asFloatBuffer().get(f);
            out.add(f);
        }
        return out.toArray(new float[0][]);
    }

    /** llama.cpp refused a request or the oracle process failed; the message carries llama.cpp's log. */
    public static final class OracleException extends RuntimeException {
        OracleException(String message) {
            super(message);
        }
    }
}
