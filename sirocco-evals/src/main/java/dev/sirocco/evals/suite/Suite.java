package dev.sirocco.evals.suite;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded eval suite: every prompt is run against every provider for every test case
 * (promptfoo's matrix), with {@code defaultTest} already merged into each test.
 *
 * @param baseDir the suite file's folder; {@code file://} references resolve against it
 */
public record Suite(String description, List<PromptTemplate> prompts, List<ProviderSpec> providers,
                    List<TestCase> tests, Path baseDir) {
    public Suite {
        prompts = List.copyOf(prompts);
        tests = List.copyOf(tests);
        providers = List.copyOf(askForLogprobs(providers, tests));
    }

    /**
     * When a test checks perplexity, every provider is asked for token log-probabilities ({@code config.logprobs:
     * true}, our extension of promptfoo's provider config; a provider that sets it itself keeps its value).
     */
    private static List<ProviderSpec> askForLogprobs(List<ProviderSpec> providers, List<TestCase> tests) {
        boolean needed = tests.stream().flatMap(t -> t.asserts().stream())
                .anyMatch(a -> AssertionTypes.NEEDS_LOGPROBS.contains(a.type()));
        if (!needed) {
            return providers;
        }
        return providers.stream().map(p -> {
            if (p.config().containsKey("logprobs")) {
                return p;
            }
            java.util.Map<String, Object> config = new java.util.HashMap<>(p.config());
            config.put("logprobs", true);
            return new ProviderSpec(p.id(), p.label(), config, p.source(), p.line());
        }).toList();
    }

    /** The same suite against other providers ({@code --provider} on the command line). */
    public Suite withProviders(List<ProviderSpec> replacement) {
        return new Suite(description, prompts, replacement, tests, baseDir);
    }
}
