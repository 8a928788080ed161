package dev.sirocco.evals.report;

import dev.sirocco.evals.LocalChatEndpoint;
import dev.sirocco.evals.providers.Provider;
import dev.sirocco.evals.providers.Providers;
import dev.sirocco.evals.run.EvalReport;
import dev.sirocco.evals.run.EvalRunner;
import dev.sirocco.evals.suite.Suite;
import dev.sirocco.evals.suite.SuiteLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded regression is caught and a noise-only difference is not: a local endpoint answers each question
 * correctly with a chosen probability from a seeded generator, 40 repetitions per case.
 */
class BaselineComparisonTest {
    @TempDir
    Path dir;

    private EvalReport run(Map<String, Double> passProbability, long seed) throws Exception {
        Random rnd = new Random(seed);
        try (LocalChatEndpoint server = new LocalChatEndpoint(b -> {
            String q = LocalChatEndpoint.lastUserMessage(b);
            double p = passProbability.get(q);
            synchronized (rnd) {
                return LocalChatEndpoint.Answer.text(rnd.nextDouble() < p ? "right" : "wrong");
            }
        })) {
            Suite s = SuiteLoader.parse("""
                    prompts: ['{{q}}']
                    providers: [{id: 'openai:m', label: m, config: {apiBaseUrl: %s}}]
                    defaultTest: {assert: [{type: equals, value: right}]}
                    tests:
                      - {description: stable, vars: {q: stable}}
                      - {description: fragile, vars: {q: fragile}}
                      - {description: better, vars: {q: better}}
                    """.formatted(server.baseUrl()), "s.yaml", dir);
            List<Provider> providers = s.providers().stream().map(p -> Providers.create(p, dir, k -> null)).toList();
            return EvalRunner.run(s, providers, new EvalRunner.Options(40, 1, null), EvalRunner.Progress.NONE);
        }
    }

    @Test
    void seededRegressionIsNamedAndNoiseIsNot() throws Exception {
        EvalReport base = run(Map.of("stable", 0.8, "fragile", 0.9, "better", 0.3), 1);
        Path f = dir.resolve("base.json");
        JsonReport.write(f, base, null);
        // same rates for "stable" (only the seed differs: noise), "fragile" drops to 0.4, "better" rises to 0.9
        EvalReport now = run(Map.of("stable", 0.8, "fragile", 0.4, "better", 0.9), 2);
        BaselineComparison c = BaselineComparison.compare(now, JsonReport.read(f), 0.05);
        assertThat(c.regressions()).extracting(BaselineComparison.Change::key).containsExactly("m | {{q}} | fragile");
        assertThat(c.improvements()).extracting(BaselineComparison.Change::key).containsExactly("m | {{q}} | better");
        BaselineComparison.Change stable = c.changes().stream().filter(x -> x.key().endsWith("stable")).findFirst().orElseThrow();
        assertThat(stable.kind()).isIn(BaselineComparison.Kind.NOT_SIGNIFICANT, BaselineComparison.Kind.UNCHANGED);
        assertThat(c.regressed()).isTrue();
    }

    @Test
    void aTunedProviderIsComparedWithItsBaseInOneRun() throws Exception {
        Random rnd = new Random(5);
        // "base" answers right 30% of the time on every question, "tuned" 90% on "easy" and 30% on "hard"
        try (LocalChatEndpoint server = new LocalChatEndpoint(b -> {
            boolean tuned = b.path("model").asText().equals("tuned");
            double p = tuned && LocalChatEndpoint.lastUserMessage(b).equals("easy") ? 0.9 : 0.3;
            synchronized (rnd) {
                return LocalChatEndpoint.Answer.text(rnd.nextDouble() < p ? "right" : "wrong");
            }
        })) {
            Suite s = SuiteLoader.parse("""
                    prompts: ['{{q}}']
                    providers:
                      - {id: 'openai:base', label: base, config: {apiBaseUrl: %1$s}}
                      - {id: 'openai:tuned', label: tuned, config: {apiBaseUrl: %1$s}}
                    defaultTest: {assert: [{type: equals, value: right}]}
                    tests:
                      - {description: easy, vars: {q: easy}}
                      - {description: hard, vars: {q: hard}}
                    """.formatted(server.baseUrl()), "s.yaml", dir);
            List<Provider> providers = s.providers().stream().map(p -> Providers.create(p, dir, k -> null)).toList();
            EvalReport r = EvalRunner.run(s, providers, new EvalRunner.Options(40, 1, null), EvalRunner.Progress.NONE);
            BaselineComparison c = BaselineComparison.compareProviders(r, "base", "tuned", 0.05);
            assertThat(c.improvements()).extracting(BaselineComparison.Change::key).containsExactly("{{q}} | easy");
            assertThat(c.regressions()).isEmpty();
            assertThat(c.overall().kind()).isEqualTo(BaselineComparison.Kind.IMPROVEMENT);
        }
    }

    @Test
    void noiseAloneIsNeverFlaggedAcrossSeeds() throws Exception {
        Map<String, Double> rates = Map.of("stable", 0.7, "fragile", 0.5, "better", 0.9);
        EvalReport base = run(rates, 10);
        Path f = dir.resolve("base.json");
        JsonReport.write(f, base, null);
        for (long seed = 11; seed < 14; seed++) {
            BaselineComparison c = BaselineComparison.compare(run(rates, seed), JsonReport.read(f), 0.05);
            assertThat(c.regressions()).as("seed " + seed).isEmpty();
            assertThat(c.improvements()).as("seed " + seed).isEmpty();
        }
    }
}
