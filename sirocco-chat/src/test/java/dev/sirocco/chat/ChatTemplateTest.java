package dev.sirocco.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behaviours of {@link ChatTemplate} that Jinja2 (as transformers configures it) defines and Jinjava does not
 * provide by itself. Expected strings are what Jinja2 renders for the same template and context.
 */
class ChatTemplateTest {

    private static final List<ChatMessage> THREE = List.of(
            ChatMessage.of("system", "s"), ChatMessage.of("user", "u"), ChatMessage.of("assistant", "a"));

    private static String render(String template, List<ChatMessage> messages) {
        return new ChatTemplate("test", template, "<s>", "</s>").render(messages, false);
    }

    @Test
    void raiseExceptionFailsNamingTheTemplateAndTheMessage() {
        ChatTemplate t = new ChatTemplate("gemma-like", "{% if messages[0].role != 'user' %}"
                + "{{ raise_exception('Conversation roles must alternate') }}{% endif %}ok", "", "");
        assertThatThrownBy(() -> t.render(THREE, false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("gemma-like")
                .hasMessageContaining("raise_exception: Conversation roles must alternate");
        assertThat(t.render(List.of(ChatMessage.of("user", "u")), false)).isEqualTo("ok");
    }

    @Test
    void brokenTemplatesFailWithWhatIsWrong() {
        assertThatThrownBy(() -> new ChatTemplate("unclosed", "a {% if x %", "", ""))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("unclosed").hasMessageContaining("{%");
        ChatTemplate missingEnd = new ChatTemplate("no-endif", "{% if true %}x", "", "");
        assertThatThrownBy(() -> missingEnd.render(THREE, false))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("no-endif").hasMessageContaining("endif");
    }

    @Test
    void unknownFiltersAndTestsFailWhenUsedAsInJinja2() {
        assertThatThrownBy(() -> render("{{ messages|nosuchfilter }}", THREE))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("No filter named 'nosuchfilter'");
        assertThatThrownBy(() -> render("{% if messages is not nosuchtest %}{% endif %}", THREE))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("No test named 'nosuchtest'");
        // Jinja2 3 checks on use: a branch never taken may name a filter the engine lacks (DeepSeek V3.2's from_json).
        assertThat(render("{% if false %}{{ x|from_json }}{% endif %}ok", THREE)).isEqualTo("ok");
        assertThat(render("{{ [3, 1, 2]|min }}{{ [3, 1, 2]|max }}{{ ['b', 'A']|min }}", THREE)).isEqualTo("13A");
    }

    @Test
    void errorsGiveTheTemplatesOwnLineNumbers() {
        // Lines 1-5 lose their newlines to "-" and trim_blocks; the error must still point at line 6.
        String template = "{%- if true %}\n  x\n{%- endif %}\n{# a comment\nover lines #}\n{{ messages[0].content.( }}\n";
        ChatTemplate t = new ChatTemplate("lines", template, "", "");
        assertThatThrownBy(() -> t.render(THREE, false)).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("line 6");
    }

    @Test
    void notAppliesToAWholeTestOrComparison() {
        String template = "{% if not tools is defined %}none{% else %}{{ tools|length }}{% endif %}"
                + "|{{ not messages|length == 1 }}";
        ChatTemplate t = new ChatTemplate("t", template, "", "");
        assertThat(t.render(THREE, null, false, Map.of())).isEqualTo("none|True");
        assertThat(t.render(List.of(ChatMessage.of("user", "u")), List.of(Map.of("type", "function")), false, Map.of()))
                .isEqualTo("1|False");
    }

    @Test
    void keywordArgumentTakesTheWholeExpression() {
        assertThat(render("{% set ns = namespace(i=messages|length - 1, flag=true) %}{{ ns.i }} {{ ns.flag }}", THREE))
                .isEqualTo("2 True");
    }

    @Test
    void slicesAndIndicesFollowPython() {
        assertThat(render("{{ 'abcdef'[::-1] }}|{{ 'abcdef'[1:5:2] }}|{{ 'abcdef'[-1] }}|{{ [1, 2, 3, 4][::-2] }}"
                + "|{{ messages[1:]|length }}|{% set n = 1 %}{{ [1, 2, 3][:n+1] }}", THREE))
                .isEqualTo("fedcba|bd|f|[4, 2]|2|[1, 2]");
    }

    @Test
    void loopFilterAndNeighbourItemsFollowJinja2() {
        assertThat(render("{% for x in [1, 2, 3, 4] if x is even %}{{ loop.index }}:{{ x }}"
                + "{{ ',' if not loop.last }}{% endfor %}", THREE)).isEqualTo("1:2,2:4");
        assertThat(render("{% for m in messages %}{{ loop.previtem.role }}>{{ m.role }}>{{ loop.nextitem.role }};"
                + "{% endfor %}", THREE)).isEqualTo(">system>user;system>user>assistant;user>assistant>;");
        assertThat(render("{% for k, v in {'a': 1, 'b': none}|items if v is not none %}{{ k }}={{ v }}{% endfor %}",
                THREE)).isEqualTo("a=1");
        assertThat(render("{% for x in [] %}a{% else %}empty{% endfor %}|{% for x in [1] %}{{ x }}{% if x == 2 %}"
                + "{% else %}!{% endif %}{% else %}E{% endfor %}", THREE)).isEqualTo("empty|1!");
    }

    @Test
    void messageTextIsNeverEvaluated() {
        List<ChatMessage> m = List.of(ChatMessage.of("user", "{{ 7*7 }} {% if %} {# x #}"));
        assertThat(render("{{ messages[0].content }}", m)).isEqualTo("{{ 7*7 }} {% if %} {# x #}");
    }

    @Test
    void blockTagsStripTheirLineOnlyWhenAloneOnIt() {
        // lstrip_blocks removes the indentation of the "if" line, trim_blocks its newline; the "endif" follows text
        // on its line, so the space before it stays; the source's final newline is dropped.
        assertThat(render("a\n  {% if true %}\n  b {% endif %}\n", THREE)).isEqualTo("a\n  b ");
        assertThat(render("{# comment #}\n{%- if true -%}\n  x  \n{%- endif %}", THREE)).isEqualTo("x");
    }

    @Test
    void toolCallsReachTheTemplateInTheOpenAiShapeWithParsedArguments() {
        List<ChatMessage> m = List.of(ChatMessage.toolCalls(null,
                        List.of(new ToolCall("call1", "get_weather", "{\"city\": \"Paris\", \"n\": 2}"),
                                new ToolCall(null, "broken", "{not json"))),
                ChatMessage.toolResult("call1", "get_weather", "sunny"));
        String template = "{% set c = messages[0].tool_calls %}{{ c[0].function.arguments.city }}"
                + "|{{ c[0].function.arguments|tojson }}|{{ c[0].id }}|{{ c[0].type }}|[{{ messages[0].content }}]"
                + "|{{ c[1].function.arguments }}|{{ c[1].id is defined }}"
                + "|{{ messages[1].tool_call_id }}|{{ messages[1].name }}|{{ messages[0].tool_call_id is defined }}";
        assertThat(render(template, m))
                .isEqualTo("Paris|{\"city\": \"Paris\", \"n\": 2}|call1|function|[]|{not json|False"
                        + "|call1|get_weather|False");
    }

    @Test
    void valuesPrintAsPythonDoes() {
        assertThat(render("{{ true }}|{{ [1, 'a', none, 2.5] }}|{{ {'k': false} }}|{{ 3.0 }}|{{ \"it's\" }}", THREE))
                .isEqualTo("True|[1, 'a', None, 2.5]|{'k': False}|3.0|it's");
        assertThat(render("{{ 'a' ~ true ~ 1.0 }}|{{ {'k': [1]}|string }}|{{ '<{}|{1}|{{x}}>'.format('x', 2) }}", THREE))
                .isEqualTo("aTrue1.0|{'k': [1]}|<x|2|{x}>");
    }

    @Test
    void extraContextReachesTheTemplate() {
        ChatTemplate t = new ChatTemplate("t", "{{ enable_thinking is defined and enable_thinking is false }}", "", "");
        assertThat(t.render(THREE, null, true, Map.of("enable_thinking", false))).isEqualTo("True");
        assertThat(t.render(THREE, true)).isEqualTo("False");
    }

    @Test
    void rendersConcurrentlyWithTheSameResults() throws Exception {
        ChatTemplate t = ChatTemplate.fallbackFor("gemma3", "<bos>", "<eos>");
        String expected = t.render(THREE, true);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) results.add(pool.submit(() -> t.render(THREE, true)));
            for (var r : results) assertThat(r.get()).isEqualTo(expected);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void strftimeUsesCLocaleNames() {
        LocalDateTime t = LocalDateTime.of(2024, 7, 26, 15, 4, 5);
        assertThat(TemplateFunctions.strftime("%d %b %Y", t)).isEqualTo("26 Jul 2024");
        assertThat(TemplateFunctions.strftime("%B %d, %Y", t)).isEqualTo("July 26, 2024");
        assertThat(TemplateFunctions.strftime("%Y-%m-%d %H:%M:%S %A %a %I%p %j %y %%", t))
                .isEqualTo("2024-07-26 15:04:05 Friday Fri 03PM 208 24 %");
        assertThat(render("{{ strftime_now is defined }}|{{ strftime_now('%Y')|length }}", THREE)).isEqualTo("True|4");
    }

    @Test
    void fallbackIsChosenByArchitecture() {
        assertThat(ChatTemplate.fallbackFor("qwen3", "", "").source()).isEqualTo(FallbackTemplates.CHATML.source());
        assertThat(ChatTemplate.fallbackFor("qwen2", "", "").source()).isEqualTo(FallbackTemplates.CHATML.source());
        assertThat(ChatTemplate.fallbackFor("llama", true, "", "").source()).isEqualTo(FallbackTemplates.LLAMA3.source());
        assertThat(ChatTemplate.fallbackFor("llama", false, "", "").source())
                .isEqualTo(FallbackTemplates.MISTRAL_V1.source());
        assertThat(ChatTemplate.fallbackFor("gemma3", "", "").source()).isEqualTo(FallbackTemplates.GEMMA.source());
        assertThat(ChatTemplate.fallbackFor("some-new-arch", "", "").source())
                .isEqualTo(FallbackTemplates.CHATML.source());
        assertThat(ChatTemplate.fallbackFor("gemma3", "<bos>", "").name()).contains("gemma").contains("gemma3");
    }
}
