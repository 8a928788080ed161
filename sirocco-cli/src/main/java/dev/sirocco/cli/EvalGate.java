package dev.sirocco.cli;

import dev.sirocco.evals.providers.Provider;
import dev.sirocco.evals.providers.Providers;
import dev.sirocco.evals.run.CaseRun;
import dev.sirocco.evals.run.EvalReport;
import dev.sirocco.evals.run.EvalRunner;
import dev.sirocco.evals.run.Stats;
import dev.sirocco.evals.suite.ProviderSpec;
import dev.sirocco.evals.suite.Suite;
import dev.sirocco.evals.suite.SuiteLoader;
import dev.sirocco.server.FineTuningGate;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code serve}'s fine-tuning gate: runs a job's eval suite against the base and the fine-tuned model through this
 * server's own API (greedy, the suite's own providers replaced by the two models) and promotes the result only when it
 * passes significantly more often (Fisher's exact test, p < 0.05), as {@code sirocco eval --baseline} decides regressions.
 */
final class EvalGate implements FineTuningGate {
    static final double ALPHA = 0.05;

    private final String apiKey;
    private volatile String baseUrl;

    /** @param apiKey the server's {@code --api-key}, sent when the server requires keys; null for none */
    EvalGate(String apiKey) {
        this.apiKey = apiKey;
    }

    /** Where the server listens, known once it has started ({@code http://host:port}). */
    void baseUrl(String url) {
        this.baseUrl = url;
    }

    @Override
    public Verdict evaluate(Path suiteFile, String baseModel, String fineTunedModel) {
        if (baseUrl == null) {
            throw new IllegalStateException("the server has not started yet");
        }
        Suite suite = SuiteLoader.load(suiteFile);
        suite = suite.withProviders(List.of(provider(baseModel, "base"), provider(fineTunedModel, "fine-tuned")));
        List<Provider> providers = suite.providers().stream().map(p -> Providers.create(p, suiteFile.getParent(), k -> null)).toList();
        EvalReport report;
        try {
            report = EvalRunner.run(suite, providers, new EvalRunner.Options(1, 2, null), EvalRunner.Progress.NONE);
        } finally {
            providers.forEach(Provider::close);
        }
        int base = passes(report, "base");
        int tuned = passes(report, "fine-tuned");
        int runs = (int) report.runs().stream().filter(r -> r.provider().equals("base")).count();
        double p = Stats.fisherTwoSided(tuned, runs - tuned, base, runs - base);
        return new Verdict(base, tuned, runs, p, tuned > base && p < ALPHA);
    }

    private ProviderSpec provider(String model, String label) {
        Map<String, Object> config = new HashMap<>();
        config.put("apiBaseUrl", baseUrl + "/v1");
        config.put("temperature", 0);
        if (apiKey != null) {
            config.put("apiKey", apiKey);
        }
        return new ProviderSpec("openai:chat:" + model, label, config, "fine-tuning gate", 0);
    }

    private static int passes(EvalReport report, String label) {
        return (int) report.runs().stream().filter(r -> r.provider().equals(label)).filter(CaseRun::pass).count();
    }
}
