package dev.sirocco.evals;

import dev.sirocco.evals.suite.Suite;
import dev.sirocco.evals.suite.SuiteLoader;
import dev.sirocco.evals.suite.TestCase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The example suites shipped with the module load as written (tests run with the module folder as working directory). */
class ExampleSuitesTest {
    @Test
    void gettingStartedExampleLoads() {
        Suite s = SuiteLoader.load(Path.of("examples/getting-started/promptfooconfig.yaml"));
        assertThat(s.prompts()).hasSize(3);
        assertThat(s.providers()).hasSize(1);
        assertThat(s.tests()).extracting(TestCase::description).containsExactly("greeting", "farewell, graded", "thanks",
                "morning");
        assertThat(s.tests()).allMatch(t -> t.asserts().getFirst().type().equals("latency"));
        assertThat(s.tests()).allMatch(t -> "French".equals(t.vars().get("language")));
    }
}
