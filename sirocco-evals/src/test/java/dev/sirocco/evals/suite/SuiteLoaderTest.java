package dev.sirocco.evals.suite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Suites written as promptfoo's documentation writes them load; everything else fails naming file, line and field. */
class SuiteLoaderTest {
    @TempDir
    Path dir;

    private Suite load(String yaml) throws IOException {
        Path f = dir.resolve("promptfooconfig.yaml");
        Files.writeString(f, yaml);
        return SuiteLoader.load(f);
    }

    private SuiteException loadFails(String yaml) {
        return org.junit.jupiter.api.Assertions.assertThrows(SuiteException.class, () -> load(yaml));
    }

    @Test
    void promptfooGettingStartedSuiteLoads() throws IOException {
        Suite s = load("""
                description: 'My first eval'
                prompts:
                  - 'Translate to {{language}}: {{input}}'
                  - 'Speak like a pirate and translate to {{language}}: {{input}}'
                providers:
                  - openai:chat:gpt-4o-mini
                  - id: mistral:mistral-small-latest
                    label: small
                    config:
                      apiBaseUrl: http://localhost:9/v1
                      temperature: 0
                      max_tokens: 64
                      seed: 7
                tests:
                  - vars:
                      language: French
                      input: Hello world
                    assert:
                      - type: contains
                        value: 'Bonjour'
                  - description: weighted
                    vars:
                      language: German
                      input: How's it going?
                    threshold: 0.5
                    assert:
                      - type: icontains-any
                        value: [gut, geht]
                        weight: 2
                        metric: fluency
                      - type: not-contains
                        value: Hello
                """);
        assertThat(s.description()).isEqualTo("My first eval");
        assertThat(s.prompts()).extracting(PromptTemplate::template)
                .containsExactly("Translate to {{language}}: {{input}}",
                        "Speak like a pirate and translate to {{language}}: {{input}}");
        assertThat(s.providers()).extracting(ProviderSpec::label).containsExactly("openai:chat:gpt-4o-mini", "small");
        assertThat(s.providers().get(1).config()).containsEntry("seed", 7L).containsEntry("max_tokens", 64L);
        assertThat(s.tests()).hasSize(2);
        TestCase weighted = s.tests().get(1);
        assertThat(weighted.threshold()).isEqualTo(0.5);
        assertThat(weighted.asserts()).extracting(AssertionSpec::type, AssertionSpec::inverse, AssertionSpec::weight,
                AssertionSpec::metric).containsExactly(
                org.assertj.core.groups.Tuple.tuple("icontains-any", false, 2.0, "fluency"),
                org.assertj.core.groups.Tuple.tuple("contains", true, 1.0, null));
    }

    @Test
    void defaultTestMergesVarsAssertionsAndThreshold() throws IOException {
        Suite s = load("""
                prompts: ['{{greeting}}, {{name}}']
                providers: [openai:gpt-4o-mini]
                defaultTest:
                  vars: {greeting: Hello, name: nobody}
                  threshold: 0.75
                  assert:
                    - type: is-json
                tests:
                  - vars: {name: Ada}
                    assert: [{type: contains, value: Ada}]
                  - vars: {name: Bob}
                    threshold: 1
                """);
        assertThat(s.tests().get(0).vars()).isEqualTo(Map.of("greeting", "Hello", "name", "Ada"));
        assertThat(s.tests().get(0).asserts()).extracting(AssertionSpec::type).containsExactly("is-json", "contains");
        assertThat(s.tests().get(0).threshold()).isEqualTo(0.75);
        assertThat(s.tests().get(1).threshold()).isEqualTo(1.0);
        assertThat(s.tests().get(1).asserts()).extracting(AssertionSpec::type).containsExactly("is-json");
    }

    @Test
    void listValuedVarsExpandIntoOneTestPerCombination() throws IOException {
        Suite s = load("""
                prompts: ['{{a}}{{b}}']
                tests:
                  - vars: {a: [x, y], b: [1, 2, 3]}
                """);
        assertThat(s.tests()).extracting(TestCase::vars).containsExactly(
                Map.of("a", "x", "b", 1L), Map.of("a", "x", "b", 2L), Map.of("a", "x", "b", 3L),
                Map.of("a", "y", "b", 1L), Map.of("a", "y", "b", 2L), Map.of("a", "y", "b", 3L));
    }

    @Test
    void fileReferencesLoadPromptsVarsAndTestListsRelativeToTheSuite() throws IOException {
        Files.createDirectories(dir.resolve("prompts"));
        Files.writeString(dir.resolve("prompts/two.txt"), "First {{q}}\n---\nSecond {{q}}\n");
        Files.writeString(dir.resolve("prompts/chat.json"), """
                [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "{{q}}"}]""");
        Files.writeString(dir.resolve("context.txt"), "Paris is in France.");
        Files.writeString(dir.resolve("tests.csv"), """
                q,__expected,__expected2,__description
                "What is the capital, of France?",icontains:paris,not-contains:Berlin,capital
                Say hi,hi there,,
                JSON please,is-json,"contains-any:a,b",
                """);
        Files.writeString(dir.resolve("more.yaml"), """
                - vars: {q: from yaml, ctx: file://context.txt}
                  assert: [{type: starts-with, value: from}]
                """);
        Files.writeString(dir.resolve("more.json"), """
                [{"vars": {"q": "from json"}, "assert": [{"type": "regex", "value": "^f.*n$"}]}]""");
        Suite s = load("""
                prompts:
                  - file://prompts/two.txt
                  - id: file://prompts/chat.json
                    label: chat
                tests:
                  - file://tests.csv
                  - file://more.yaml
                  - file://more.json
                """);
        assertThat(s.prompts()).extracting(PromptTemplate::label)
                .containsExactly("prompts/two.txt#1", "prompts/two.txt#2", "chat");
        assertThat(s.prompts().get(1).template()).isEqualTo("Second {{q}}");
        assertThat(s.prompts().get(2).template()).contains("\"role\": \"system\"");
        assertThat(s.tests()).hasSize(5);
        TestCase capital = s.tests().getFirst();
        assertThat(capital.description()).isEqualTo("capital");
        assertThat(capital.vars()).containsEntry("q", "What is the capital, of France?");
        assertThat(capital.asserts()).extracting(AssertionSpec::displayType, AssertionSpec::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("icontains", "paris"),
                org.assertj.core.groups.Tuple.tuple("not-contains", "Berlin"));
        // a cell without a known type prefix is an exact-match expectation, as in promptfoo
        assertThat(s.tests().get(1).asserts()).extracting(AssertionSpec::type, AssertionSpec::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("equals", "hi there"));
        assertThat(s.tests().get(2).asserts()).extracting(AssertionSpec::type).containsExactly("is-json", "contains-any");
        assertThat(s.tests().get(3).vars()).containsEntry("ctx", "Paris is in France.");
        assertThat(s.tests().get(4).asserts().getFirst().type()).isEqualTo("regex");
    }

    @Test
    void jsonSchemaValuesMayBeYamlTextOrAFile() throws IOException {
        Files.writeString(dir.resolve("schema.json"), "{\"type\": \"object\", \"required\": [\"name\"]}");
        Suite s = load("""
                prompts: [hi]
                tests:
                  - assert:
                      - type: is-json
                        value: file://schema.json
                      - type: contains-json
                        value: |
                          type: array
                """);
        assertThat(s.tests().getFirst().asserts().get(0).value()).isEqualTo(Map.of("type", "object", "required", List.of("name")));
        assertThat(s.tests().getFirst().asserts().get(1).value()).isEqualTo(Map.of("type", "array"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown top-level key          | 9 | key 'outputPath' is not supported
            unsupported assertion type     | 9 | assertion type 'factuality' is not supported yet
            unknown assertion type         | 9 | assertion type 'contains-some' is unknown
            unsupported provider           | 3 | provider 'anthropic:messages:claude' is not supported
            unsupported provider option    | 6 | key 'organization' is not supported
            unsupported test option        | 9 | key 'prefix' is not supported
            missing assertion value        | 9 | 'contains' needs a non-empty string value
            latency without threshold      | 9 | 'latency' needs a threshold
            invalid regex                  | 10 | is not a valid regular expression
            bad YAML                       | 10 | not valid YAML: mapping values are not allowed here
            weight must be a number        | 11 | weight: expected a number
            """)
    void badSuitesNameTheLineAndField(String name, int line, String message) {
        String yaml = switch (name) {
            case "unknown top-level key" -> base("") + "outputPath: out.json\n";
            case "unsupported assertion type" -> base("") + assertion("factuality", "Paris is in France");
            case "unknown assertion type" -> base("") + assertion("contains-some", "x");
            case "unsupported provider" -> "prompts: [hi]\nproviders:\n  - anthropic:messages:claude\n";
            case "unsupported provider option" -> """
                    prompts: [hi]
                    providers:
                      - id: openai:chat:gpt-4o
                        config:
                          temperature: 0
                          organization: acme
                    """;
            case "unsupported test option" -> base("    options:\n      prefix: x\n");
            case "missing assertion value" -> base("") + "      - type: contains\n";
            case "latency without threshold" -> base("") + "      - type: latency\n";
            case "invalid regex" -> base("") + "      - type: regex\n        value: '(unclosed'\n";
            case "bad YAML" -> base("") + "      - type: contains\n        value: oops: x\n";
            case "weight must be a number" -> base("") + assertion("contains", "a") + "        weight: heavy\n";
            default -> throw new IllegalArgumentException(name);
        };
        SuiteException e = loadFails(yaml);
        assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
        assertThat(e.getMessage()).startsWith("promptfooconfig.yaml line " + line + ": ").contains(message);
    }

    /** Lines 1-7 of a suite; a test's asserts (if added) start at line 8 or after {@code extraTestKeys}. */
    private static String base(String extraTestKeys) {
        return """
                description: bad
                prompts: [hi]
                providers: [openai:gpt-4o-mini]
                tests:
                  - description: t
                    vars: {x: 1}
                    threshold: 1
                """ + extraTestKeys + (extraTestKeys.isEmpty() ? "    assert:\n" : "");
    }

    private static String assertion(String type, String value) {
        return "      - type: " + type + "\n        value: " + value + "\n";
    }

    @Test
    void badCsvCellsNameTheCsvFileAndRow() throws IOException {
        Files.writeString(dir.resolve("t.csv"), "q,__expected\nfine,hi\nbad,python:output == 1\n");
        SuiteException e = loadFails("prompts: [hi]\ntests: file://t.csv\n");
        assertThat(e.source()).isEqualTo("t.csv");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("'python' is not supported");

        Files.writeString(dir.resolve("u.csv"), "q,__prefix\nx,y\n");
        assertThat(loadFails("prompts: [hi]\ntests: file://u.csv\n").getMessage()).contains("CSV column '__prefix' is not supported");
    }

    @Test
    void csvAliasesForJavascriptAndRubricFollowPromptfoo() throws IOException {
        Files.writeString(dir.resolve("a.csv"), "q,__expected1,__expected2,__expected3\nx,fn:output.length > 2,eval:true,grade:is polite\n");
        Suite s = load("""
                prompts: [hi]
                defaultTest:
                  options: {provider: openai:chat:judge}
                tests: file://a.csv
                """);
        assertThat(s.tests().getFirst().asserts()).extracting(AssertionSpec::type, AssertionSpec::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("javascript", "output.length > 2"),
                org.assertj.core.groups.Tuple.tuple("javascript", "true"),
                org.assertj.core.groups.Tuple.tuple("llm-rubric", "is polite"));
        assertThat(s.tests().getFirst().asserts().get(2).grader().id()).isEqualTo("openai:chat:judge");
    }

    @Test
    void missingReferencedFileIsNamed() {
        SuiteException e = loadFails("prompts:\n  - file://nope.txt\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("file://nope.txt does not exist");
    }

    @Test
    void brokenSchemaIsASuiteError() {
        SuiteException e = loadFails("prompts: [hi]\ntests:\n  - assert:\n      - type: is-json\n        value: {type: 12}\n");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).contains("JSON schema");
    }
}
