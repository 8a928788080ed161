package dev.sirocco.evals.e2e;

import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.evals.providers.Provider;
import dev.sirocco.evals.providers.Providers;
import dev.sirocco.evals.run.CaseRun;
import dev.sirocco.evals.run.EvalReport;
import dev.sirocco.evals.run.EvalRunner;
import dev.sirocco.evals.suite.Suite;
import dev.sirocco.evals.suite.SuiteLoader;
import dev.sirocco.server.ApiServer;
import dev.sirocco.server.ServedModel;
import dev.sirocco.server.ServerOptions;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A suite run end to end against a real Sirocco server, in both dialects, beside the same model in-process. */
class SiroccoServerSuiteTest {
    @TempDir
    Path dir;

    @Test
    void openAiAndMistralProvidersAgainstTheServerAnswerAsTheModelInProcess() throws Exception {
        Path model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        try (ServedModel served = ServedModel.load(model, EngineOptions.defaults().withThreads(1).withContextSize(256), 2, 8);
             ApiServer server = ApiServer.start(ServerOptions.loopback(0), List.of(served))) {
            String base = "http://127.0.0.1:" + server.port() + "/v1";
            Suite s = SuiteLoader.parse("""
                    description: greedy answers over HTTP equal the in-process ones
                    prompts: ['{{subject}} went to']
                    providers:
                      - id: sirocco:tiny.gguf
                        label: in-process
                        config: {max_tokens: 8, threads: 1}
                      - id: openai:chat:tiny
                        label: openai
                        config: {apiBaseUrl: %s, max_tokens: 8, temperature: 0}
                      - id: mistral:tiny
                        label: mistral
                        config: {apiBaseUrl: %s, max_tokens: 8, temperature: 0}
                    tests:
                      - vars: {subject: [the people, a cat]}
                        assert:
                          - type: not-equals
                            value: 'this exact sentence is never produced'
                          - type: latency
                            threshold: 60000
                    """.formatted(base, base), "s.yaml", dir);
            List<Provider> providers = s.providers().stream().map(p -> Providers.create(p, dir, k -> null)).toList();
            EvalReport r;
            try {
                r = EvalRunner.run(s, providers, new EvalRunner.Options(1, 3, null), EvalRunner.Progress.NONE);
            } finally {
                providers.forEach(Provider::close);
            }
            assertThat(r.runs()).hasSize(6).allMatch(CaseRun::pass);
            for (String subject : List.of("the people", "a cat")) {
                List<String> outputs = r.runs().stream().filter(x -> x.vars().get("subject").equals(subject))
                        .map(CaseRun::output).toList();
                assertThat(outputs).hasSize(3);
                assertThat(outputs.get(0)).isNotEmpty();
                assertThat(outputs).containsOnly(outputs.get(0));
            }
        }
    }

    @Test
    void perplexityFromTheServersLogprobsEqualsTheInProcessOne() throws Exception {
        Path model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        try (ServedModel served = ServedModel.load(model, EngineOptions.defaults().withThreads(1).withContextSize(256), 1, 8);
             ApiServer server = ApiServer.start(ServerOptions.loopback(0), List.of(served))) {
            String base = "http://127.0.0.1:" + server.port() + "/v1";
            Suite s = SuiteLoader.parse("""
                    prompts: ['{{subject}} went to']
                    providers:
                      - id: sirocco:tiny.gguf
                        label: in-process
                        config: {max_tokens: 8, threads: 1}
                      - id: openai:chat:tiny
                        label: openai
                        config: {apiBaseUrl: %s, max_tokens: 8, temperature: 0}
                    tests:
                      - vars: {subject: the people}
                        assert:
                          - type: perplexity-score
                          - type: not-perplexity
                            threshold: 1.0
                    """.formatted(base), "s.yaml", dir);
            assertThat(s.providers()).allMatch(p -> Boolean.TRUE.equals(p.config().get("logprobs")));
            List<Provider> providers = s.providers().stream().map(p -> Providers.create(p, dir, k -> null)).toList();
            EvalReport r;
            try {
                r = EvalRunner.run(s, providers, new EvalRunner.Options(1, 1, null), EvalRunner.Progress.NONE);
            } finally {
                providers.forEach(Provider::close);
            }
            // a random model is never certain of every token: perplexity above 1
            assertThat(r.runs()).hasSize(2).allMatch(CaseRun::pass);
            double inProcess = r.runs().get(0).grade().results().get(0).score();
            double overHttp = r.runs().get(1).grade().results().get(0).score();
            assertThat(inProcess).isBetween(0.0, 0.5);
            assertThat(overHttp).isCloseTo(inProcess, org.assertj.core.data.Offset.offset(1e-5));
        }
    }
}
