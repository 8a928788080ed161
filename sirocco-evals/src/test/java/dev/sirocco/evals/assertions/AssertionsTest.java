package dev.sirocco.evals.assertions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.evals.suite.AssertionSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Each assertion type passes and fails where promptfoo's documentation says it should, and its {@code not-}
 * form does the opposite on the same output.
 */
class AssertionsTest {
    private static final Map<String, Object> VARS = Map.of("city", "Paris", "lang", "French");

    static AssertionSpec spec(String type, boolean inverse, Object value, Double threshold) {
        return new AssertionSpec(type, inverse, value, threshold, 1.0, null, "t.yaml", 1);
    }

    static Stream<Arguments> cases() {
        Map<String, Object> personSchema = Map.of("type", "object", "required", List.of("name"),
                "properties", Map.of("name", Map.of("type", "string"), "age", Map.of("type", "integer")));
        return Stream.of(
                arguments("equals", "Hello, World!", "Hello, World!", true),
                arguments("equals", "Hello, World!", "Hello, World! ", false),
                arguments("equals", 4.0, "4", true), // YAML's 4.0 is JavaScript's 4
                arguments("equals", Map.of("a", 1L, "b", List.of(true)), "{\"b\": [true], \"a\": 1.0}", true),
                arguments("equals", Map.of("a", 1L), "{\"a\": 2}", false),
                arguments("equals", "{{city}}", "Paris", true), // values are rendered with the test's vars
                arguments("contains", "Bonjour", "Oui, Bonjour le monde", true),
                arguments("contains", "bonjour", "Oui, Bonjour le monde", false),
                arguments("icontains", "bonjour", "Oui, BONJOUR", true),
                arguments("icontains", "hallo", "Oui, BONJOUR", false),
                arguments("contains-any", List.of("rouge", "bleu"), "le ciel bleu", true),
                arguments("contains-any", "rouge, vert", "le ciel bleu", false), // comma-separated string form
                arguments("contains-all", List.of("ciel", "bleu"), "le ciel bleu", true),
                arguments("contains-all", List.of("ciel", "Bleu"), "le ciel bleu", false),
                arguments("icontains-any", List.of("ROUGE", "BLEU"), "le ciel bleu", true),
                arguments("icontains-any", List.of("ROUGE", "VERT"), "le ciel bleu", false),
                arguments("icontains-all", "CIEL,Bleu", "le ciel bleu", true),
                arguments("icontains-all", List.of("CIEL", "nuage"), "le ciel bleu", false),
                arguments("regex", "^\\d{3}-\\d{4}$", "555-1234", true),
                arguments("regex", "^\\d{3}-\\d{4}$", "call 555-1234", false),
                arguments("regex", "\\d{3}", "call 555-1234", true), // a search, as RegExp.test
                arguments("starts-with", "Yes", "Yes, of course", true),
                arguments("starts-with", "Yes", " Yes, of course", false),
                arguments("is-json", null, " {\"a\": [1, 2]}\n", true),
                arguments("is-json", null, "{\"a\": 1} trailing", false),
                arguments("is-json", null, "", false),
                arguments("is-json", personSchema, "{\"name\": \"Ada\", \"age\": 36}", true),
                arguments("is-json", personSchema, "{\"name\": \"Ada\", \"age\": \"old\"}", false),
                arguments("contains-json", null, "Sure! Here it is: {\"name\": \"Ada\"} Anything else?", true),
                arguments("contains-json", null, "Sure! {name: Ada}", false),
                arguments("contains-json", personSchema, "a {\"x\": 1} then {\"name\": \"Ada\"}", true),
                arguments("contains-json", personSchema, "only {\"x\": 1}", false));
    }

    @ParameterizedTest(name = "{0} {1} on \"{2}\" -> {3}")
    @MethodSource("cases")
    void eachTypeAndItsNegation(String type, Object value, String output, boolean expected) {
        AssertionResult plain = Assertions.evaluate(spec(type, false, value, null), Output.text(output), VARS);
        assertThat(plain.pass()).as(plain.reason()).isEqualTo(expected);
        assertThat(plain.score()).isEqualTo(expected ? 1.0 : 0.0);
        AssertionResult negated = Assertions.evaluate(spec(type, true, value, null), Output.text(output), VARS);
        assertThat(negated.pass()).as(negated.reason()).isEqualTo(!expected);
        if (!negated.pass()) {
            assertThat(negated.reason()).startsWith("expected output to not ");
        }
    }

    @Test
    void failureReasonsSayWhatWasExpected() {
        AssertionResult r = Assertions.evaluate(spec("contains-all", false, List.of("a", "zz", "yy"), null),
                Output.text("abc"), VARS);
        assertThat(r.reason()).isEqualTo("expected output to contain all of [a, zz, yy] (missing [zz, yy])");
    }

    @Test
    void latencyComparesMillisecondsAndRefusesCachedResponses() {
        AssertionSpec limit = spec("latency", false, null, 500.0);
        assertThat(Assertions.evaluate(limit, new Output("x", null, 499, false, null), VARS).pass()).isTrue();
        assertThat(Assertions.evaluate(limit, new Output("x", null, 501, false, null), VARS).pass()).isFalse();
        assertThat(Assertions.evaluate(spec("latency", true, null, 500.0), new Output("x", null, 501, false, null), VARS)
                .pass()).isTrue();
        AssertionResult cached = Assertions.evaluate(limit, new Output("x", null, 0, true, null), VARS);
        assertThat(cached.pass()).isFalse();
        assertThat(cached.reason()).contains("--no-cache");
    }

    @Test
    void perplexityIsExpOfTheNegativeMeanLogprobAndPassesAtOrBelowTheThreshold() {
        // mean log-probability -2: perplexity e^2 = 7.389, perplexity score 1 / (1 + e^2) = 0.1192
        Output out = new Output("ab", null, 0, false, null, List.of(-1.0, -3.0));
        assertThat(Assertions.evaluate(spec("perplexity", false, null, 7.4), out, VARS).pass()).isTrue();
        AssertionResult over = Assertions.evaluate(spec("perplexity", false, null, 7.38), out, VARS);
        assertThat(over.pass()).isFalse();
        assertThat(over.reason()).contains("perplexity 7.39 over 2 tokens");
        assertThat(Assertions.evaluate(spec("perplexity", true, null, 7.38), out, VARS).pass()).isTrue();
        assertThat(Assertions.evaluate(spec("perplexity", false, null, null), out, VARS).pass()).as("no threshold").isTrue();

        AssertionResult score = Assertions.evaluate(spec("perplexity-score", false, null, 0.119), out, VARS);
        assertThat(score.pass()).isTrue();
        assertThat(score.score()).isCloseTo(1 / (1 + Math.exp(2)), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Assertions.evaluate(spec("perplexity-score", false, null, 0.12), out, VARS).pass()).isFalse();
        AssertionResult inverse = Assertions.evaluate(spec("perplexity-score", true, null, 0.12), out, VARS);
        assertThat(inverse.pass()).isTrue();
        assertThat(inverse.score()).isCloseTo(1 - 1 / (1 + Math.exp(2)), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void perplexityWithoutLogprobsFailsSayingWhy() {
        AssertionResult r = Assertions.evaluate(spec("perplexity", false, null, 10.0), Output.text("x"), VARS);
        assertThat(r.pass()).isFalse();
        assertThat(r.reason()).contains("log-probabilities");
        assertThat(Assertions.evaluate(spec("perplexity", true, null, 10.0), Output.text("x"), VARS).pass())
                .as("not- cannot turn a missing measurement into a pass").isFalse();
    }

    @Test
    void openAiToolCallsAreCheckedAgainstTheConfiguredFunctions() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Object> tools = List.of(Map.of("type", "function", "function", Map.of("name", "get_weather",
                "parameters", Map.of("type", "object", "required", List.of("city"),
                        "properties", Map.of("city", Map.of("type", "string"))))));
        JsonNode good = json.readTree("[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]");
        JsonNode wrongName = json.readTree("[{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]");
        JsonNode badArgs = json.readTree("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"town\\\":1}\"}}]");
        AssertionSpec s = spec("is-valid-openai-tools-call", false, null, null);
        assertThat(Assertions.evaluate(s, new Output("", good, 1, false, tools), VARS).pass()).isTrue();
        assertThat(Assertions.evaluate(s, new Output("", wrongName, 1, false, tools), VARS).reason()).contains("get_time");
        assertThat(Assertions.evaluate(s, new Output("", badArgs, 1, false, tools), VARS).pass()).isFalse();
        assertThat(Assertions.evaluate(s, new Output("It is sunny.", null, 1, false, tools), VARS).pass()).isFalse();
        assertThat(Assertions.evaluate(spec("is-valid-openai-tools-call", true, null, null),
                new Output("It is sunny.", null, 1, false, tools), VARS).pass()).isTrue();
    }
}
