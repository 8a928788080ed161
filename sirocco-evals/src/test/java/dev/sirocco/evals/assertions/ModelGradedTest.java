package dev.sirocco.evals.assertions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.evals.LocalChatEndpoint;
import dev.sirocco.evals.run.EvalReport;
import dev.sirocco.evals.run.EvalRunner;
import dev.sirocco.evals.providers.Provider;
import dev.sirocco.evals.providers.Providers;
import dev.sirocco.evals.suite.Suite;
import dev.sirocco.evals.suite.SuiteException;
import dev.sirocco.evals.suite.SuiteLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code llm-rubric} and {@code similar} through a whole run, against a local endpoint whose answers, judge
 * verdicts and (letter-count) embeddings are deterministic test logic, not a model.
 */
class ModelGradedTest {
    @TempDir
    Path dir;

    private static final Pattern RUBRIC = Pattern.compile("(?s)<Output>\\n(.*)\\n</Output>\\n<Rubric>\\nmentions (\\w+)\\n</Rubric>");

    /** The app answers "The capital is Paris."; the judge passes iff the output contains the rubric's word. */
    private static LocalChatEndpoint.Answer answer(JsonNode body) {
        String user = LocalChatEndpoint.lastUserMessage(body);
        Matcher m = RUBRIC.matcher(user);
        if (body.path("model").asText().equals("judge") && m.matches()) {
            boolean pass = m.group(1).contains(m.group(2));
            return LocalChatEndpoint.Answer.text("Verdict: {\"reason\": \"" + (pass ? "mentions it" : "does not mention "
                    + m.group(2)) + "\", \"pass\": " + pass + ", \"score\": " + (pass ? 0.9 : 0.2) + "}");
        }
        return LocalChatEndpoint.Answer.text("The capital is Paris.");
    }

    private EvalReport run(String yaml, LocalChatEndpoint server) {
        Suite s = SuiteLoader.parse(yaml.replace("BASE_URL", server.baseUrl()), "s.yaml", dir);
        List<Provider> providers = s.providers().stream().map(p -> Providers.create(p, dir, k -> null)).toList();
        return EvalRunner.run(s, providers, new EvalRunner.Options(1, 1, null, k -> null), EvalRunner.Progress.NONE);
    }

    @Test
    void llmRubricAsksTheJudgeAndHonoursItsVerdictScoreAndThreshold() throws Exception {
        try (LocalChatEndpoint server = new LocalChatEndpoint(ModelGradedTest::answer)) {
            EvalReport r = run("""
                    prompts: ['Capital of France?']
                    providers: [{id: 'openai:chat:app', config: {apiBaseUrl: BASE_URL}}]
                    defaultTest:
                      options:
                        provider: {id: 'openai:chat:judge', config: {apiBaseUrl: BASE_URL, temperature: 0}}
                    tests:
                      - description: passes
                        assert: [{type: llm-rubric, value: mentions Paris}]
                      - description: fails
                        assert: [{type: llm-rubric, value: mentions Lyon}]
                      - description: negated
                        assert: [{type: not-llm-rubric, value: mentions Lyon}]
                      - description: threshold above the judge's score
                        assert: [{type: llm-rubric, value: mentions Paris, threshold: 0.95}]
                    """, server);
            Map<String, Boolean> pass = new java.util.HashMap<>();
            r.runs().forEach(x -> pass.put(x.test(), x.pass()));
            assertThat(pass).isEqualTo(Map.of("passes", true, "fails", false, "negated", true,
                    "threshold above the judge's score", false));
            var fails = r.runs().stream().filter(x -> x.test().equals("fails")).findFirst().orElseThrow();
            assertThat(fails.grade().reason()).contains("does not mention Lyon");
            assertThat(fails.grade().score()).isEqualTo(0.2);
            JsonNode judgeRequest = server.requests().stream().map(LocalChatEndpoint.Seen::body)
                    .filter(b -> b.path("model").asText().equals("judge")).findFirst().orElseThrow();
            assertThat(judgeRequest.path("temperature").asInt()).isZero();
            assertThat(judgeRequest.path("messages").get(0).path("role").asText()).isEqualTo("system");
        }
    }

    @Test
    void similarComparesEmbeddingsByCosineAgainstTheThreshold() throws Exception {
        // letter counts: "The capital is Paris." vs "the capital is paris" are identical vectors (cosine 1)
        double unrelated = ModelGraded.cosine(LocalChatEndpoint.letterCounts("The capital is Paris."),
                LocalChatEndpoint.letterCounts("xyz quux"));
        assertThat(unrelated).isLessThan(0.5);
        try (LocalChatEndpoint server = new LocalChatEndpoint(ModelGradedTest::answer)) {
            EvalReport r = run("""
                    prompts: ['Capital of France?']
                    providers: [{id: 'openai:chat:app', config: {apiBaseUrl: BASE_URL}}]
                    tests:
                      - description: same letters
                        assert:
                          - type: similar
                            value: the capital is paris
                            threshold: 0.99
                            provider: {id: 'openai:embedding:toy', config: {apiBaseUrl: BASE_URL}}
                      - description: unrelated
                        assert:
                          - type: similar
                            value: [xyz quux]
                            provider: {id: 'openai:embedding:toy', config: {apiBaseUrl: BASE_URL}}
                      - description: not similar to unrelated
                        assert:
                          - type: not-similar
                            value: xyz quux
                            provider: {id: 'openai:embedding:toy', config: {apiBaseUrl: BASE_URL}}
                    """, server);
            var byTest = new java.util.HashMap<String, dev.sirocco.evals.run.CaseRun>();
            r.runs().forEach(x -> byTest.put(x.test(), x));
            assertThat(byTest.get("same letters").pass()).isTrue();
            assertThat(byTest.get("same letters").grade().score()).isCloseTo(1.0, within(1e-12));
            assertThat(byTest.get("unrelated").pass()).isFalse(); // below the default 0.75
            assertThat(byTest.get("unrelated").grade().score()).isCloseTo(unrelated, within(1e-12));
            assertThat(byTest.get("not similar to unrelated").pass()).isTrue();
        }
    }

    @Test
    void gradedAssertionsNeedAFittingProvider() {
        assertThatThrownBy(() -> SuiteLoader.parse("prompts: [hi]\ntests:\n  - assert:\n      - type: llm-rubric\n        value: polite\n",
                "s.yaml", dir)).isInstanceOf(SuiteException.class).hasMessageContaining("s.yaml line 5")
                .hasMessageContaining("needs a provider to grade with");
        assertThatThrownBy(() -> SuiteLoader.parse("""
                prompts: [hi]
                tests:
                  - assert:
                      - type: similar
                        value: hello
                        provider: openai:chat:gpt-4o
                """, "s.yaml", dir)).isInstanceOf(SuiteException.class).hasMessageContaining("line 6")
                .hasMessageContaining("similar needs an embedding provider");
        assertThatThrownBy(() -> SuiteLoader.parse("prompts: [hi]\nproviders: [openai:embedding:e]\n", "s.yaml", dir))
                .isInstanceOf(SuiteException.class).hasMessageContaining("is an embedding provider");
        assertThatThrownBy(() -> SuiteLoader.parse("""
                prompts: [hi]
                tests:
                  - assert:
                      - type: contains
                        value: x
                        provider: openai:chat:gpt-4o
                """, "s.yaml", dir)).isInstanceOf(SuiteException.class).hasMessageContaining("takes no provider");
    }
}
