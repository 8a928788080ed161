package dev.sirocco.evals.assertions;

import dev.sirocco.evals.suite.AssertionSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** promptfoo's {@code javascript} assertion in embedded GraalJS: its result forms, its context, and its sandbox. */
class JavascriptCheckTest {
    private static final Map<String, Object> VARS = Map.of("city", "Paris", "n", 3L);

    private static AssertionResult js(String code, String output, boolean inverse, Double threshold) {
        AssertionSpec s = new AssertionSpec("javascript", inverse, code, threshold, 1, null, "t.yaml", 1);
        return Assertions.evaluate(s, Output.text(output), VARS, "Where is {{city}}?");
    }

    @ParameterizedTest(name = "{0} on \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            output.length > 5                                       | Bonjour   | true
            output.length > 5                                       | Oui       | false
            output.toLowerCase().includes(context.vars.city.toLowerCase()) | in paris | true
            const words = output.split(' '); words.length === context.vars.n | a b c | true
            const words = output.split(' '); words.length === context.vars.n | a b   | false
            const s = 'a;b'; output === s;                          | a;b       | true
            JSON.parse(output).ok === true                          | {"ok": true} | true
            context.prompt.startsWith('Where is')                   | x         | true
            """)
    void oneLineExpressionsAndDeclarations(String code, String output, boolean expected) {
        assertThat(js(code, output, false, null).pass()).isEqualTo(expected);
        assertThat(js(code, output, true, null).pass()).isEqualTo(!expected);
    }

    @Test
    void multiLineValuesAreFunctionBodies() {
        String body = """
                const n = output.split(',').length;
                if (n < 2) {
                  return {pass: false, score: 0.2, reason: 'only ' + n + ' item'};
                }
                return {pass: true, score: 1, reason: 'ok'};
                """;
        AssertionResult fail = js(body, "one", false, null);
        assertThat(fail.pass()).isFalse();
        assertThat(fail.score()).isEqualTo(0.2);
        assertThat(fail.reason()).isEqualTo("only 1 item");
        assertThat(js(body, "one, two", false, null).pass()).isTrue();
    }

    @Test
    void numbersAreScoresJudgedByTheThreshold() {
        assertThat(js("output.length / 10", "12345", false, null).score()).isEqualTo(0.5);
        assertThat(js("output.length / 10", "12345", false, null).pass()).isTrue(); // > 0 without a threshold
        assertThat(js("output.length / 10", "", false, null).pass()).isFalse();
        assertThat(js("output.length / 10", "12345", false, 0.6).pass()).isFalse();
        assertThat(js("output.length / 10", "1234567", false, 0.6).pass()).isTrue();
    }

    @Test
    void theSandboxHasNoHostFileOrProcessAccess() {
        assertThat(js("typeof require === 'undefined' && typeof process === 'undefined'", "x", false, null).pass()).isTrue();
        AssertionResult host = js("Java.type('java.lang.Runtime').getRuntime() !== null", "x", false, null);
        assertThat(host.pass()).isFalse();
        assertThat(host.reason()).startsWith("javascript threw");
        AssertionResult file = js("load('/etc/hostname') === undefined", "x", false, null);
        assertThat(file.pass()).isFalse();
        assertThat(file.reason()).startsWith("javascript threw");
    }

    @Test
    void runawayCodeIsStoppedAndFails() {
        AssertionSpec s = new AssertionSpec("javascript", false, "while (true) {}", null, 1, null, "t.yaml", 1);
        long t0 = System.nanoTime();
        AssertionResult r = JavascriptCheck.check(s, "while (true) {}\nreturn true", "x", VARS, "", 300);
        assertThat(r.pass()).isFalse();
        assertThat(r.reason()).contains("ran longer than 300 ms");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
    }

    @Test
    void syntaxErrorsAndOddResultsFailWithAReason() {
        assertThat(js("output ===", "x", false, null).reason()).startsWith("javascript threw");
        assertThat(js("'a string'", "x", false, null).reason()).contains("must return a boolean");
    }
}
