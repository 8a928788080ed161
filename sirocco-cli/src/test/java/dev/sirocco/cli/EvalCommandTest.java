package dev.sirocco.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sirocco eval} end to end against a REAL model run in-process (a tiny llama with seeded random weights):
 * the expected answer is what {@code sirocco run --chat --temperature 0} prints, so the two paths check each other.
 */
class EvalCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static String greedyAnswer;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void writeModelAndAskIt() throws Exception {
        model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        CommandsTest.Result r = CommandsTest.run("run", "--model", model.toString(), "--prompt", "the people went to",
                "--chat", "--temperature", "0", "--max-tokens", "8", "--threads", "1", "--json");
        assertThat(r.exit()).isZero();
        greedyAnswer = JSON.readTree(r.out()).get("text").asText();
        assertThat(greedyAnswer).isNotEmpty();
    }

    private static Path suite(String name, String assertType) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, """
                description: tiny model smoke
                prompts: ['{{subject}} went to']
                providers:
                  - id: sirocco:tiny.gguf
                    label: tiny
                    config: {max_tokens: 8, threads: 1}
                tests:
                  - description: greedy answer
                    vars: {subject: the people}
                    assert:
                      - type: %s
                        value: %s
                """.formatted(assertType, JSON.writeValueAsString(greedyAnswer)));
        return f;
    }

    @Test
    void passingSuiteExitsZeroAndWritesEveryReport() throws Exception {
        Path junit = dir.resolve("out.xml");
        Path json = dir.resolve("out.json");
        Path html = dir.resolve("out.html");
        CommandsTest.Result r = CommandsTest.run("eval", suite("pass.yaml", "equals").toString(), "--no-cache",
                "--junit", junit.toString(), "--json", json.toString(), "--html", html.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("PASS").contains("1/1 runs passed");
        JsonNode report = JSON.readTree(Files.readString(json));
        assertThat(report.path("results").get(0).path("output").asText()).isEqualTo(greedyAnswer);
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo("1");
        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("0");
        assertThat(Files.readString(html)).contains("<table id=\"matrix\">");
    }

    @Test
    void helpListsTheOptionsWithoutFormatWarnings() {
        CommandsTest.Result r = CommandsTest.run("eval", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--repeat=N").contains("95% intervals").contains("--baseline=FILE");
        assertThat(r.out() + r.err()).doesNotContain("picocli WARN");
    }

    @Test
    void anUnwritableReportPathIsBadInput() throws Exception {
        CommandsTest.Result r = CommandsTest.run("eval", suite("pass2.yaml", "equals").toString(), "--no-cache",
                "--json", dir.resolve("no/such/dir/out.json").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("sirocco: cannot write the report").doesNotContain("\tat ");
    }

    @Test
    void failingAssertionExitsOne() throws Exception {
        CommandsTest.Result r = CommandsTest.run("eval", suite("fail.yaml", "not-equals").toString(), "--no-cache");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL").contains("expected output to not equal");
    }

    @Test
    void badSuiteExitsTwoWithTheLineInOneSentence() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "prompts: [hi]\nproviders: [sirocco:tiny.gguf]\ntests:\n  - assert:\n      - type: factuality\n        value: polite\n");
        CommandsTest.Result r = CommandsTest.run("eval", f.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("sirocco: bad.yaml line 5: tests[0].assert[0].type: assertion type 'factuality' "
                + "is not supported yet (supported, each also with not-: equals, contains, icontains, contains-any, "
                + "contains-all, icontains-any, icontains-all, regex, starts-with, is-json, contains-json, latency, perplexity, "
                + "perplexity-score, "
                + "is-valid-openai-tools-call, javascript, llm-rubric, similar)");
        assertThat(CommandsTest.run("eval", dir.resolve("absent.yaml").toString()).exit()).isEqualTo(2);
    }

    @Test
    void significantRegressionAgainstABaselineExitsOneAndNamesTheTest() throws Exception {
        Path base = dir.resolve("base.json");
        CommandsTest.Result before = CommandsTest.run("eval", suite("before.yaml", "equals").toString(), "--repeat", "8",
                "--cache-dir", dir.resolve("cache").toString(), "--json", base.toString());
        assertThat(before.exit()).isZero();
        assertThat(before.out()).contains("8/8");
        // the same case, now checked against an answer the model does not give: 8/8 -> 0/8
        CommandsTest.Result after = CommandsTest.run("eval", suite("after.yaml", "not-equals").toString(), "--repeat", "8",
                "--cache-dir", dir.resolve("cache").toString(), "--baseline", base.toString());
        assertThat(after.exit()).isEqualTo(1);
        assertThat(after.out()).contains("REGRESSION tiny | {{subject}} went to | greedy answer: 8/8 -> 0/8");
        // against itself nothing regresses
        CommandsTest.Result same = CommandsTest.run("eval", suite("before.yaml", "equals").toString(), "--repeat", "8",
                "--cache-dir", dir.resolve("cache").toString(), "--baseline", base.toString());
        assertThat(same.exit()).isZero();
        assertThat(same.out()).contains("baseline: 0 regressions, 0 improvements");
    }

    @Test
    void providerOnTheCommandLineReplacesTheSuites() throws Exception {
        Path f = dir.resolve("noprov.yaml");
        Files.writeString(f, "prompts: ['the people went to']\ntests:\n  - assert: [{type: not-equals, value: zzz}]\n");
        CommandsTest.Result none = CommandsTest.run("eval", f.toString(), "--no-cache");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("no providers");
        CommandsTest.Result r = CommandsTest.run("eval", f.toString(), "--no-cache", "--provider", "sirocco:" + model);
        assertThat(r.exit()).as(r.err()).isZero();
        CommandsTest.Result unknown = CommandsTest.run("eval", f.toString(), "--provider", "bedrock:claude");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("provider 'bedrock:claude' is not supported");
    }
}
