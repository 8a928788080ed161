package dev.sirocco.evals.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.evals.LocalChatEndpoint;
import dev.sirocco.evals.providers.Provider;
import dev.sirocco.evals.providers.Providers;
import dev.sirocco.evals.providers.ResponseCache;
import dev.sirocco.evals.suite.Suite;
import dev.sirocco.evals.suite.SuiteException;
import dev.sirocco.evals.suite.SuiteLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runner end to end against a local OpenAI-compatible endpoint answering with deterministic test logic. */
class EvalRunnerTest {
    @TempDir
    Path dir;

    static final Map<String, String> FRENCH = Map.of("Hello world", "Bonjour le monde", "Good night", "Bonne nuit");

    private Suite suite(String yaml, LocalChatEndpoint server) {
        return SuiteLoader.parse(yaml.replace("BASE_URL", server.baseUrl()), "suite.yaml", dir);
    }

    private static List<Provider> providers(Suite s) {
        return s.providers().stream().map(p -> Providers.create(p, s.baseDir(), k -> null)).toList();
    }

    private static final Function<JsonNode, LocalChatEndpoint.Answer> TRANSLATOR = body -> {
        String user = LocalChatEndpoint.lastUserMessage(body);
        String text = user.substring(user.indexOf(':') + 1).strip();
        boolean terse = body.path("messages").size() > 1; // the chat prompt has a system message
        return LocalChatEndpoint.Answer.text((terse ? "" : "Sure: ") + FRENCH.getOrDefault(text, "?"));
    };

    private static final String TRANSLATION_SUITE = """
            description: translation
            prompts:
              - 'Translate to {{language}}: {{input}}'
              - id: '[{"role": "system", "content": "Answer with the translation only."}, {"role": "user", "content": "Translate: {{input}}"}]'
                label: chat
            providers:
              - id: openai:chat:local
                config: {apiBaseUrl: BASE_URL}
            defaultTest:
              vars: {language: French}
            tests:
              - description: hello
                vars: {input: Hello world}
                assert:
                  - type: icontains
                    value: bonjour
                  - type: starts-with
                    value: Bonjour
              - description: night
                vars: {input: Good night}
                threshold: 0.5
                assert:
                  - type: contains-all
                    value: [Bonne, nuit]
                  - type: equals
                    value: Bonne nuit
            """;

    @Test
    void everyPromptRunsEveryTestAndEachRunIsGraded() throws IOException {
        try (LocalChatEndpoint server = new LocalChatEndpoint(TRANSLATOR)) {
            Suite s = suite(TRANSLATION_SUITE, server);
            EvalReport r = EvalRunner.run(s, providers(s), new EvalRunner.Options(1, 2, null), EvalRunner.Progress.NONE);
            assertThat(r.runs()).hasSize(4);
            Map<String, Boolean> passByKey = new java.util.TreeMap<>();
            r.runs().forEach(run -> passByKey.put(run.key(), run.pass()));
            // the plain prompt gets "Sure: ..." so starts-with fails; the threshold lets "night" pass on half the weight
            assertThat(passByKey).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "openai:chat:local | Translate to {{language}}: {{input}} | hello", false,
                    "openai:chat:local | Translate to {{language}}: {{input}} | night", true,
                    "openai:chat:local | chat | hello", true,
                    "openai:chat:local | chat | night", true));
            CaseRun plainHello = r.runs().stream().filter(x -> x.key().endsWith("{{input}} | hello")).findFirst().orElseThrow();
            assertThat(plainHello.grade().score()).isEqualTo(0.5);
            assertThat(plainHello.renderedPrompt()).isEqualTo("Translate to French: Hello world");
            assertThat(plainHello.grade().reason()).startsWith("starts-with: expected output to start with \"Bonjour\"");
            JsonNode chatRequest = server.requests().stream().map(LocalChatEndpoint.Seen::body)
                    .filter(b -> b.path("messages").size() == 2).findFirst().orElseThrow();
            assertThat(chatRequest.path("messages").get(0).path("content").asText()).isEqualTo("Answer with the translation only.");
            assertThat(r.allPassed()).isFalse();
        }
    }

    @Test
    void repeatReportsThePassRateWithItsWilsonInterval() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        // every fourth answer is wrong: 15 of 20 runs pass
        try (LocalChatEndpoint server = new LocalChatEndpoint(b ->
                LocalChatEndpoint.Answer.text(calls.incrementAndGet() % 4 == 0 ? "no" : "yes"))) {
            Suite s = suite("""
                    prompts: [Say yes]
                    providers: [{id: 'openai:m', config: {apiBaseUrl: BASE_URL}}]
                    tests: [{assert: [{type: equals, value: 'yes'}]}]
                    """, server);
            EvalReport r = EvalRunner.run(s, providers(s), new EvalRunner.Options(20, 1, null), EvalRunner.Progress.NONE);
            assertThat(r.cases()).hasSize(1);
            CaseSummary c = r.cases().getFirst();
            assertThat(c.runs()).isEqualTo(20);
            assertThat(c.passes()).isEqualTo(15);
            double[] ci = Stats.wilson(15, 20, Stats.Z95);
            assertThat(c.low()).isEqualTo(ci[0]);
            assertThat(c.high()).isEqualTo(ci[1]);
            assertThat(c.low()).isBetween(0.5, 0.75);
        }
    }

    @Test
    void concurrencyBoundsTheRequestsInFlight() throws IOException {
        Function<JsonNode, LocalChatEndpoint.Answer> slow = b -> {
            try {
                Thread.sleep(60);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return LocalChatEndpoint.Answer.text("ok");
        };
        String yaml = """
                prompts: ['{{n}}']
                providers: [{id: 'openai:m', config: {apiBaseUrl: BASE_URL}}]
                tests: [{vars: {n: [1, 2, 3, 4, 5, 6, 7, 8]}}]
                """;
        try (LocalChatEndpoint serial = new LocalChatEndpoint(slow)) {
            Suite s = suite(yaml, serial);
            EvalRunner.run(s, providers(s), new EvalRunner.Options(1, 1, null), EvalRunner.Progress.NONE);
            assertThat(serial.requests()).hasSize(8);
            assertThat(serial.maxInFlight()).isEqualTo(1);
        }
        try (LocalChatEndpoint parallel = new LocalChatEndpoint(slow)) {
            Suite s = suite(yaml, parallel);
            EvalRunner.run(s, providers(s), new EvalRunner.Options(1, 4, null), EvalRunner.Progress.NONE);
            assertThat(parallel.maxInFlight()).isBetween(2, 4);
        }
    }

    @Test
    void cachedResponsesAnswerReRunsAndRepetitionsStayDistinct() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        try (LocalChatEndpoint server = new LocalChatEndpoint(b -> LocalChatEndpoint.Answer.text("answer " + calls.incrementAndGet()))) {
            Suite s = suite("""
                    prompts: [hi]
                    providers: [{id: 'openai:m', config: {apiBaseUrl: BASE_URL, temperature: 1}}]
                    tests: [{assert: [{type: latency, threshold: 60000}]}]
                    """, server);
            ResponseCache cache = new ResponseCache(dir.resolve("cache"));
            EvalReport first = EvalRunner.run(s, providers(s), new EvalRunner.Options(2, 1, cache), EvalRunner.Progress.NONE);
            assertThat(server.requests()).hasSize(2);
            assertThat(first.runs()).extracting(CaseRun::output).containsExactly("answer 1", "answer 2");
            assertThat(first.allPassed()).isTrue();

            EvalReport second = EvalRunner.run(s, providers(s), new EvalRunner.Options(2, 1, cache), EvalRunner.Progress.NONE);
            assertThat(server.requests()).hasSize(2); // nothing new was asked
            assertThat(second.runs()).extracting(CaseRun::output).containsExactly("answer 1", "answer 2");
            assertThat(second.runs()).allMatch(CaseRun::cached);
            assertThat(second.allPassed()).isFalse(); // latency cannot be judged on a cached answer

            EvalReport uncached = EvalRunner.run(s, providers(s), new EvalRunner.Options(1, 1, null), EvalRunner.Progress.NONE);
            assertThat(server.requests()).hasSize(3);
            assertThat(uncached.runs().getFirst().output()).isEqualTo("answer 3");
        }
    }

    @Test
    void chatPromptsStayValidWhenVarsHoldQuotesAndNewlines() throws IOException {
        try (LocalChatEndpoint server = new LocalChatEndpoint(b -> LocalChatEndpoint.Answer.text(
                b.path("messages").size() + " messages: " + LocalChatEndpoint.lastUserMessage(b)))) {
            Suite s = suite("""
                    prompts:
                      - '[{"role": "system", "content": "Quote back."}, {"role": "user", "content": "{{text}}"}]'
                    providers: [{id: 'openai:m', config: {apiBaseUrl: BASE_URL}}]
                    tests:
                      - vars: {text: "She said \\"hi\\"\\nthen left"}
                    """, server);
            EvalReport r = EvalRunner.run(s, providers(s), new EvalRunner.Options(1, 1, null), EvalRunner.Progress.NONE);
            assertThat(r.runs().getFirst().output()).isEqualTo("2 messages: She said \"hi\"\nthen left");
        }
    }

    @Test
    void aTemplateErrorIsABadSuiteBeforeAnyRequest() throws IOException {
        try (LocalChatEndpoint server = new LocalChatEndpoint(TRANSLATOR)) {
            Suite s = suite("""
                    prompts: ['Translate {{ input ']
                    providers: [{id: 'openai:m', config: {apiBaseUrl: BASE_URL}}]
                    tests:
                      - vars: {input: x}
                    """, server);
            assertThatThrownBy(() -> EvalRunner.run(s, providers(s), new EvalRunner.Options(1, 1, null), EvalRunner.Progress.NONE))
                    .isInstanceOf(SuiteException.class)
                    .hasMessageContaining("suite.yaml line 4")
                    .hasMessageContaining("template error");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void providerErrorsFailTheRunAndAreCountedAsErrors() throws IOException {
        try (LocalChatEndpoint server = new LocalChatEndpoint(b -> new LocalChatEndpoint.Answer("overloaded", null, 503))) {
            Suite s = suite("""
                    prompts: [hi]
                    providers: [{id: 'openai:m', config: {apiBaseUrl: BASE_URL}}]
                    """, server);
            EvalReport r = EvalRunner.run(s, providers(s), new EvalRunner.Options(1, 1, null), EvalRunner.Progress.NONE);
            assertThat(r.erroredRuns()).isEqualTo(1);
            assertThat(r.allPassed()).isFalse();
            assertThat(r.runs().getFirst().error()).contains("HTTP 503").contains("overloaded");
        }
    }
}
