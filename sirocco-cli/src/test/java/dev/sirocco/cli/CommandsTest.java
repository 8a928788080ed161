package dev.sirocco.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomLora;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's external contract (DESIGN.md): JSON shapes, exit codes, one-sentence errors. */
class CommandsTest {
    @TempDir
    static Path dir;
    static Path model;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void writeModel() {
        model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
    }

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void tokenizePrintsAJsonArrayStartingWithBos() throws Exception {
        Result r = run("tokenize", "--model", model.toString(), "--text", "hello world");
        assertThat(r.exit()).isZero();
        JsonNode ids = JSON.readTree(r.out());
        assertThat(ids.isArray()).isTrue();
        assertThat(ids.get(0).asInt()).isEqualTo(1); // the synthetic vocabulary's BOS, added as its metadata says
        assertThat(ids.size()).isGreaterThan(1);
    }

    @Test
    void logitsPrintsVocabSizedArrays() throws Exception {
        Result last = run("logits", "--model", model.toString(), "--tokens", "1,5,9", "--kv-type", "f32");
        assertThat(last.exit()).isZero();
        JsonNode node = JSON.readTree(last.out());
        int vocab = node.get("n_vocab").asInt();
        assertThat(node.get("logits").size()).isEqualTo(vocab);

        Result all = run("logits", "--model", model.toString(), "--tokens", "1,5,9", "--all", "--kv-type", "f32");
        JsonNode rows = JSON.readTree(all.out()).get("logits");
        assertThat(rows.size()).isEqualTo(3);
        assertThat(rows.get(2).size()).isEqualTo(vocab);
        // The last row of --all is the plain call's computation, up to float lanes: like llama.cpp, F32 weights take
        // tinyBLAS lanes for a batch of rows and vec_dot lanes for the single row the plain call's last layer runs.
        float plain = node.get("logits").get(7).floatValue();
        assertThat(rows.get(2).get(7).floatValue()).isCloseTo(plain, org.assertj.core.data.Offset.offset(1e-5f * Math.max(1f, Math.abs(plain))));
    }

    @Test
    void logitsWithLoraMatchTheMergedModel() throws Exception {
        RandomLora lora = new RandomLora(ModelSpec.tinyLlama(), java.util.List.of("attn_q", "ffn_down"), 4, 8f, 3);
        Path adapter = lora.write(dir.resolve("tiny-lora.gguf"));
        Path merged = lora.writeMerged(0.5f, dir.resolve("tiny-merged.gguf"));
        JsonNode withLora = JSON.readTree(run("logits", "--model", model.toString(), "--tokens", "1,5,9", "--kv-type", "f32",
                "--lora", adapter + ":0.5").out()).get("logits");
        JsonNode mergedLogits = JSON.readTree(run("logits", "--model", merged.toString(), "--tokens", "1,5,9", "--kv-type", "f32").out()).get("logits");
        JsonNode base = JSON.readTree(run("logits", "--model", model.toString(), "--tokens", "1,5,9", "--kv-type", "f32").out()).get("logits");
        double maxDiff = 0, moved = 0;
        for (int i = 0; i < base.size(); i++) {
            maxDiff = Math.max(maxDiff, Math.abs(withLora.get(i).doubleValue() - mergedLogits.get(i).doubleValue()));
            moved = Math.max(moved, Math.abs(withLora.get(i).doubleValue() - base.get(i).doubleValue()));
        }
        assertThat(moved).isGreaterThan(0.05);
        assertThat(maxDiff).isLessThan(1e-3);
    }

    @Test
    void missingLoraFileIsBadInput() {
        Result r = run("logits", "--model", model.toString(), "--tokens", "1", "--lora", dir.resolve("absent-lora.gguf") + ":2");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("absent-lora.gguf");
    }

    @Test
    void runJsonReportsTextTokensAndSpeed() throws Exception {
        Result r = run("run", "--model", model.toString(), "--prompt", "the people", "--max-tokens", "6",
                "--temperature", "0", "--ignore-eos", "--json");
        assertThat(r.exit()).isZero();
        JsonNode node = JSON.readTree(r.out());
        assertThat(node.get("tokens").size()).isEqualTo(6);
        assertThat(node.has("text")).isTrue();
        assertThat(node.get("prompt_tokens").asInt()).isGreaterThan(1);
        assertThat(node.get("gen_tokens_per_s").asDouble()).isPositive();
    }

    @Test
    void seededSamplingIsReproducible() throws Exception {
        String[] args = {"run", "--model", model.toString(), "--prompt", "the", "--max-tokens", "8", "--seed", "7",
                "--temperature", "1.0", "--ignore-eos", "--json"};
        JsonNode a = JSON.readTree(run(args).out());
        JsonNode b = JSON.readTree(run(args).out());
        assertThat(a.get("tokens")).isEqualTo(b.get("tokens"));
    }

    @Test
    void inspectShowsMetadataAndMemoryEstimate() throws Exception {
        Result r = run("inspect", "--model", model.toString(), "--json");
        assertThat(r.exit()).isZero();
        JsonNode node = JSON.readTree(r.out());
        assertThat(node.get("metadata").get("general.architecture").asText()).isEqualTo("llama");
        assertThat(node.get("memory_estimate").get("weights_bytes").asLong()).isPositive();
    }

    @Test
    void missingModelIsBadInputWithOneSentence() {
        Result r = run("run", "--model", dir.resolve("absent.gguf").toString(), "--prompt", "x");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("model file not found").doesNotContain("Exception");
    }

    @Test
    void corruptModelIsBadInputNamingTheOffset() throws Exception {
        Path broken = dir.resolve("broken.gguf");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(broken, java.util.Arrays.copyOf(bytes, 100));
        Result r = run("inspect", "--model", broken.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("byte");
    }

    @Test
    void badTokenListIsBadInput() {
        Result r = run("logits", "--model", model.toString(), "--tokens", "1,two");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("item 2");
    }

    @Test
    void unknownOptionIsUsageError() {
        assertThat(run("run", "--nope").exit()).isEqualTo(2);
    }

    @Test
    void benchJsonReportsSpeedsAndTheWeightBytesADecodeStepReads() throws Exception {
        Result r = run("bench", "--model", model.toString(), "--prompt-tokens", "8", "--gen-tokens", "4",
                "--repeat", "1", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode node = JSON.readTree(r.out());
        assertThat(node.get("prompt_tokens_per_s").asDouble()).isPositive();
        assertThat(node.get("gen_tokens_per_s").asDouble()).isPositive();
        assertThat(node.get("time_to_first_token_s").asDouble()).isPositive();
        assertThat(node.get("load_s").asDouble()).isPositive();
        // Every matrix is read once per token; at most one row of the token embedding unless it is the output too.
        try (var file = dev.sirocco.engine.gguf.GgufFile.open(model)) {
            long all = file.tensorInfos().stream().mapToLong(t -> t.byteSize()).sum();
            long embd = file.tensorInfos().stream().filter(t -> t.name().equals("token_embd.weight"))
                    .mapToLong(t -> t.byteSize()).sum();
            long expectedMin = file.hasTensor("output.weight") ? all - embd : all;
            assertThat(node.get("weight_bytes_per_token").asLong()).isBetween(expectedMin, all);
        }
    }

    @Test
    void chatReusesTheCachedPrefixAndAnswersAsAFreshEvaluationWould() throws Exception {
        java.io.InputStream oldIn = System.in;
        Result r;
        try {
            System.setIn(new java.io.ByteArrayInputStream("hello there\nand what next\n/bye\n".getBytes(StandardCharsets.UTF_8)));
            r = run("chat", "--model", model.toString(), "--temperature", "0", "--max-tokens", "5", "--ignore-eos",
                    "--kv-type", "f32");
        } finally {
            System.setIn(oldIn);
        }
        assertThat(r.exit()).as(r.err()).isZero();
        String[] turns = r.out().substring(2).split("\n> ", -1);
        assertThat(turns).hasSizeGreaterThanOrEqualTo(2);
        // Two stats lines; the second turn evaluated only what the cache did not already hold.
        java.util.List<Integer> newTokens = r.err().lines().filter(l -> l.contains("new prompt tokens"))
                .map(l -> Integer.parseInt(l.replaceAll("^sirocco: (\\d+) new prompt tokens.*$", "$1"))).toList();
        assertThat(newTokens).hasSize(2);

        try (var engine = optionsFor(model).load()) {
            java.util.List<dev.sirocco.chat.ChatMessage> conversation = java.util.List.of(
                    dev.sirocco.chat.ChatMessage.of("user", "hello there"),
                    dev.sirocco.chat.ChatMessage.of("assistant", turns[0]),
                    dev.sirocco.chat.ChatMessage.of("user", "and what next"));
            String text = ChatPrompt.conversation(engine, conversation);
            int[] tokens = engine.tokenizer().encode(text, !ChatPrompt.startsWithBos(engine, text), true);
            assertThat(newTokens.get(1)).isLessThan(tokens.length);
            var fresh = dev.sirocco.engine.runtime.Generator.generate(engine.newSession(), engine.tokenizer(), tokens,
                    new dev.sirocco.engine.runtime.GenerationRequest(5,
                            new dev.sirocco.engine.runtime.sampling.SamplingParams(0f, 40, 0.95f, 0.05f, 1f, 64, 0f, 0f, 1),
                            java.util.List.of(), true),
                    dev.sirocco.engine.runtime.TokenListener.NONE);
            assertThat(turns[1].stripTrailing()).isEqualTo(fresh.text().stripTrailing());
        }
    }

    /** The options a command gets from {@code --model FILE --kv-type f32} and the defaults. */
    static ModelOptions optionsFor(Path file) {
        ModelOptions o = new ModelOptions();
        o.model = file.toString();
        o.engine = new EngineFlags();
        o.engine.kvType = "f32";
        o.engine.batchSize = 64;
        return o;
    }
}
