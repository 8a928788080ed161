package dev.sirocco.evals.providers;

import dev.sirocco.chat.ChatMessage;
import dev.sirocco.chat.ChatTemplate;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.TokenListener;
import dev.sirocco.evals.LocalChatEndpoint;
import dev.sirocco.evals.run.CaseRun;
import dev.sirocco.evals.run.EvalReport;
import dev.sirocco.evals.run.EvalRunner;
import dev.sirocco.evals.suite.ProviderSpec;
import dev.sirocco.evals.suite.Suite;
import dev.sirocco.evals.suite.SuiteLoader;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Against a REAL model: a tiny llama with seeded random weights written by the testkit, run by the engine both
 * in-process ({@code sirocco:PATH}) and behind a local OpenAI-compatible endpoint that calls the same engine.
 */
class SiroccoProviderTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
    }

    @Test
    void greedyInProcessAnswersAreReproducibleAndHonourMaxTokens() {
        List<Message> hello = List.of(new Message("user", "the people"));
        try (Provider p = Providers.create(new ProviderSpec("sirocco:tiny.gguf", "tiny", Map.of("max_tokens", 6L, "threads", 1L),
                "s.yaml", 1), dir, k -> null);
             Provider longer = Providers.create(new ProviderSpec("sirocco:tiny.gguf", "tiny", Map.of("max_tokens", 12L,
                     "threads", 1L), "s.yaml", 1), dir, k -> null)) {
            ProviderResponse a = p.complete(hello);
            ProviderResponse b = p.complete(hello);
            assertThat(a.error()).isNull();
            assertThat(a.output()).isNotEmpty().isEqualTo(b.output());
            // greedy decoding: a longer budget extends the same text
            assertThat(longer.complete(hello).output()).startsWith(a.output());
        }
    }

    @Test
    void aSuiteAgainstTheSameModelInProcessAndOverHttpGetsTheSameAnswers() throws Exception {
        try (Engine engine = Engine.load(model, EngineOptions.defaults().withThreads(1));
             LocalChatEndpoint server = new LocalChatEndpoint(body -> {
                 // the endpoint renders the chat with the model's fallback template and decodes greedily
                 var v = engine.tokenizer().vocabulary();
                 String bos = v.tokens()[v.bos()];
                 ChatTemplate t = ChatTemplate.fallbackFor(engine.config().architecture().ggufName(), false, bos,
                         v.tokens()[v.eos()]);
                 String text = t.render(List.of(ChatMessage.of("user", LocalChatEndpoint.lastUserMessage(body))), true);
                 int[] tokens = engine.tokenizer().encode(text, !text.startsWith(bos), true);
                 synchronized (engine) {
                     return LocalChatEndpoint.Answer.text(Generator.generate(engine.newSession(), engine.tokenizer(), tokens,
                             GenerationRequest.greedy(body.path("max_tokens").asInt()), TokenListener.NONE).text());
                 }
             })) {
            Suite s = SuiteLoader.parse("""
                    prompts: ['{{subject}} went to']
                    providers:
                      - id: sirocco:tiny.gguf
                        label: in-process
                        config: {max_tokens: 8, threads: 1}
                      - id: openai:chat:tiny
                        label: http
                        config: {apiBaseUrl: %s, max_tokens: 8, temperature: 0}
                    tests:
                      - vars: {subject: [the people, a cat]}
                        assert: [{type: not-equals, value: 'this exact sentence is never produced'}]
                    """.formatted(server.baseUrl()), "s.yaml", dir);
            List<Provider> providers = s.providers().stream().map(p -> Providers.create(p, dir, k -> null)).toList();
            EvalReport r = EvalRunner.run(s, providers, new EvalRunner.Options(1, 2, null), EvalRunner.Progress.NONE);
            providers.forEach(Provider::close);
            assertThat(r.runs()).hasSize(4).allMatch(CaseRun::pass);
            for (String subject : List.of("the people", "a cat")) {
                List<String> outputs = r.runs().stream().filter(x -> x.vars().get("subject").equals(subject))
                        .map(CaseRun::output).toList();
                assertThat(outputs).hasSize(2);
                assertThat(outputs.get(0)).isNotEmpty().isEqualTo(outputs.get(1));
            }
        }
    }
}
