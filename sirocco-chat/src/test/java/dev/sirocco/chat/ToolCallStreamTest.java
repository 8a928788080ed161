package dev.sirocco.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each family's answers read into content and calls, whole and streamed in two pieces split at every position and
 * one character at a time: the streamed events must add up to the whole reading, and the whole reading to what the
 * family's syntax says.
 */
class ToolCallStreamTest {

    /** An answer in a family's syntax and what it holds. */
    record Case(String name, ToolCallFormat format, String answer, String content, List<ToolCall> calls) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String WEATHER = "{\"city\":\"Paris\"}";
    private static final String TIME = "{\"zone\":\"UTC\",\"format\":\"24h\"}";

    static Stream<Case> cases() {
        ToolCallFormat hermes = new HermesToolCalls();
        ToolCallFormat mistral = new MistralToolCalls();
        ToolCallFormat llama = new Llama3ToolCalls();
        ToolCallFormat xml = new QwenXmlToolCalls();
        ToolCallFormat typedXml = new QwenXmlToolCalls().forTools(List.of(Map.of("type", "function", "function", Map.of(
                "name", "get_weather", "parameters", Map.of("type", "object", "properties",
                        Map.of("city", Map.of("type", "string"), "days", Map.of("type", "integer")))))));
        return Stream.of(
                new Case("qwen-xml: parameters typed by the tool's schema", typedXml,
                        "Let me check.\n<tool_call>\n<function=get_weather>\n<parameter=city>\n42\n</parameter>\n"
                                + "<parameter=days>\n3\n</parameter>\n</function>\n</tool_call>",
                        "Let me check.", List.of(call("get_weather", "{\"city\":\"42\",\"days\":3}"))),
                new Case("qwen-xml: untyped parameters read as JSON where they are", xml,
                        "<tool_call>\n<function=f>\n<parameter=n>\n42\n</parameter>\n<parameter=s>\nhello\nworld\n</parameter>\n"
                                + "<parameter=o>\n{\"a\": [1]}\n</parameter>\n<parameter=b>\nTrue\n</parameter>\n</function>\n</tool_call>",
                        null, List.of(call("f", "{\"n\":42,\"s\":\"hello\\nworld\",\"o\":{\"a\":[1]},\"b\":true}"))),
                new Case("qwen-xml: two calls", xml,
                        "<tool_call>\n<function=a>\n</function>\n</tool_call>\n<tool_call>\n<function=b>\n<parameter=x>\ny\n</parameter>\n</function>\n</tool_call>",
                        null, List.of(call("a", "{}"), call("b", "{\"x\":\"y\"}"))),
                new Case("qwen-xml: malformed call stays content", xml,
                        "<tool_call>\n<function=f>\n<oops>\n</function>\n</tool_call>",
                        "<tool_call>\n<function=f>\n<oops>\n</function>\n</tool_call>", List.of()),
                new Case("qwen-xml: unfinished parameter stays content", xml,
                        "<tool_call>\n<function=f>\n<parameter=x>\nabc", "<tool_call>\n<function=f>\n<parameter=x>\nabc", List.of()),
                new Case("hermes: one call after content", hermes,
                        "Let me look.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>",
                        "Let me look.", List.of(call("get_weather", WEATHER))),
                new Case("hermes: two calls, nothing else", hermes,
                        "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n"
                                + "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"UTC\", \"format\": \"24h\"}}\n</tool_call>\n",
                        null, List.of(call("get_weather", WEATHER), call("get_time", TIME))),
                new Case("hermes: braces and tags inside strings", hermes,
                        "<tool_call>{\"name\": \"echo\", \"arguments\": {\"s\": \"}</tool_call>{\\\"\"}}</tool_call> done",
                        " done", List.of(call("echo", "{\"s\":\"}</tool_call>{\\\"\"}"))),
                new Case("hermes: malformed JSON stays content", hermes,
                        "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": Paris}}\n</tool_call>",
                        "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": Paris}}\n</tool_call>", List.of()),
                new Case("hermes: unfinished call at the end stays content", hermes,
                        "ok <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"ci",
                        "ok <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"ci", List.of()),
                new Case("hermes: a call without its close tag at the end counts", hermes,
                        "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool",
                        null, List.of(call("get_weather", WEATHER))),
                new Case("hermes: JSON that is no call stays content", hermes,
                        "<tool_call>{\"city\": \"Paris\"}</tool_call>", "<tool_call>{\"city\": \"Paris\"}</tool_call>", List.of()),
                new Case("hermes: plain answer", hermes, "Hello <tool world\n", "Hello <tool world\n", List.of()),
                new Case("mistral: array with ids", mistral,
                        "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, \"id\": \"abcDEF123\"}, "
                                + "{\"name\": \"get_time\", \"arguments\": {\"zone\": \"UTC\", \"format\": \"24h\"}, \"id\": \"too-long-id\"}]",
                        null, List.of(new ToolCall("abcDEF123", "get_weather", WEATHER), call("get_time", TIME))),
                new Case("mistral: v11 name[ARGS] calls after content", mistral,
                        "Sure. [TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\"}[TOOL_CALLS]get_time[ARGS]{\"zone\": \"UTC\", \"format\": \"24h\"}",
                        "Sure.", List.of(call("get_weather", WEATHER), call("get_time", TIME))),
                new Case("mistral: arguments as a JSON string are kept as written", mistral,
                        "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\"}]",
                        null, List.of(call("get_weather", "{\"city\": \"Paris\"}"))),
                new Case("mistral: malformed array stays content", mistral,
                        "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}]",
                        "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}]", List.of()),
                new Case("mistral: element without a name stays content", mistral,
                        "[TOOL_CALLS][{\"arguments\": {}}] x", "[TOOL_CALLS][{\"arguments\": {}}] x", List.of()),
                new Case("mistral: plain answer with brackets", mistral, "[TOOL] [1, 2] [TOOL_CALL", "[TOOL] [1, 2] [TOOL_CALL", List.of()),
                new Case("llama3: bare JSON call", llama,
                        "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", null, List.of(call("get_weather", WEATHER))),
                new Case("llama3: typed JSON call after whitespace", llama,
                        "\n {\"type\": \"function\", \"name\": \"get_time\", \"parameters\": {\"zone\": \"UTC\", \"format\": \"24h\"}}",
                        null, List.of(call("get_time", TIME))),
                new Case("llama3: python_tag JSON call", llama,
                        "<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", null,
                        List.of(call("get_weather", WEATHER))),
                new Case("llama3: python_tag built-in call", llama,
                        "<|python_tag|>brave_search.call(query=\"weather \\\"Paris\\\"\", count=\"3\")", null,
                        List.of(call("brave_search", "{\"query\":\"weather \\\"Paris\\\"\",\"count\":\"3\"}"))),
                new Case("llama3: JSON that is no call stays content", llama,
                        "{\"answer\": 42} and more", "{\"answer\": 42} and more", List.of()),
                new Case("llama3: JSON inside prose is content", llama,
                        "Call {\"name\": \"get_weather\", \"parameters\": {}}", "Call {\"name\": \"get_weather\", \"parameters\": {}}", List.of()),
                new Case("llama3: malformed JSON stays content", llama,
                        "{\"name\": \"get_weather\", \"parameters\": {\"city\": Paris}}", "{\"name\": \"get_weather\", \"parameters\": {\"city\": Paris}}",
                        List.of()),
                new Case("llama3: unfinished call stays content", llama,
                        "{\"name\": \"get_weather\", \"parameters\": {\"ci", "{\"name\": \"get_weather\", \"parameters\": {\"ci", List.of()));
    }

    /** A call whose id the test supplier makes: "call00001", "call00002", ... in order. */
    private static ToolCall call(String name, String args) {
        return new ToolCall(null, name, args);
    }

    private static Supplier<String> ids() {
        int[] n = {0};
        return () -> String.format("call%05d", ++n[0]);
    }

    /** The expected calls with the ids the test supplier hands out to calls that need one. */
    private static List<ToolCall> withIds(List<ToolCall> calls) {
        Supplier<String> ids = ids();
        List<ToolCall> out = new ArrayList<>();
        for (ToolCall c : calls) {
            out.add(c.id() != null ? c : new ToolCall(ids.get(), c.name(), c.argumentsJson()));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void wholeAnswerReadsAsItsSyntaxSays(Case c) {
        ParsedOutput out = ToolCallStream.parse(c.format(), c.answer(), ids());
        assertThat(out.content()).isEqualTo(c.content());
        assertThat(out.calls()).isEqualTo(withIds(c.calls()));
        assertThat(out.calls()).allSatisfy(call -> assertThat(call.id()).matches("[A-Za-z0-9]{9}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void streamedInTwoPiecesAtEveryPositionGivesTheWholeReading(Case c) {
        for (int split = 0; split <= c.answer().length(); split++) {
            ToolCallStream s = new ToolCallStream(c.format(), ids());
            List<ToolCallEvent> events = new ArrayList<>(s.accept(c.answer().substring(0, split)));
            events.addAll(s.accept(c.answer().substring(split)));
            events.addAll(s.finish());
            assertReads(events, c, "split at " + split);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void streamedOneCharacterAtATimeGivesTheWholeReadingAndHoldsNoCallText(Case c) {
        ToolCallStream s = new ToolCallStream(c.format(), ids());
        List<ToolCallEvent> events = new ArrayList<>();
        for (int i = 0; i < c.answer().length(); i++) {
            events.addAll(s.accept(c.answer().substring(i, i + 1)));
        }
        events.addAll(s.finish());
        assertReads(events, c, "one at a time");
    }

    private static void assertReads(List<ToolCallEvent> events, Case c, String how) {
        StringBuilder content = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (ToolCallEvent e : events) {
            switch (e) {
                case ToolCallEvent.Content t -> {
                    assertThat(t.text()).as(how).isNotEmpty();
                    content.append(t.text());
                }
                case ToolCallEvent.Call call -> {
                    assertThat(call.index()).as(how).isEqualTo(calls.size());
                    calls.add(call.call());
                }
            }
        }
        assertThat(content.toString()).as(how).isEqualTo(c.content() == null ? "" : c.content());
        assertThat(calls).as(how).isEqualTo(withIds(c.calls()));
    }

    static Stream<Arguments> markers() {
        return Stream.of(Arguments.of(new HermesToolCalls(), "<tool_call>"), Arguments.of(new MistralToolCalls(), "[TOOL_CALLS]"),
                Arguments.of(new Llama3ToolCalls(), "<|python_tag|>"));
    }

    @ParameterizedTest
    @MethodSource("markers")
    void textThatMayStartACallIsHeldBackUntilItCannot(ToolCallFormat format, String marker) {
        ToolCallStream s = new ToolCallStream(format, ids());
        String partial = marker.substring(0, marker.length() - 1);
        assertThat(s.accept("Hi " + partial)).containsExactly(new ToolCallEvent.Content("Hi"));
        // the next character rules the marker out: everything held comes out as content
        assertThat(s.accept("!")).containsExactly(new ToolCallEvent.Content(" " + partial + "!"));
    }
}
