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
        providers = List.copyOf(providers);
        tests = List.copyOf(tests);
    }

    /** The same suite against other providers ({@code --provider} on the command line). */
    public Suite withProviders(List<ProviderSpec> replacement) {
        return new Suite(description, prompts, replacement, tests, baseDir);
    }
}
