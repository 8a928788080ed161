package dev.sirocco.evals.suite;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Nunjucks features promptfoo prompts use, rendered by our Jinjava-based templates. */
class VarTemplateTest {
    @Test
    void substitutesVarsFieldsLoopsAndConditions() {
        Map<String, Object> vars = Map.of("name", "Ada", "user", Map.of("city", "London"),
                "items", List.of("tea", "cake"), "formal", true);
        assertThat(VarTemplate.render("Hi {{name}} from {{ user.city }}", vars)).isEqualTo("Hi Ada from London");
        assertThat(VarTemplate.render("{% for i in items %}[{{ i }}]{% endfor %}", vars)).isEqualTo("[tea][cake]");
        assertThat(VarTemplate.render("{% if formal %}Dear{% else %}Hey{% endif %} {{ name | upper }}", vars))
                .isEqualTo("Dear ADA");
    }

    @Test
    void undefinedVarsRenderEmptyAsInNunjucks() {
        assertThat(VarTemplate.render("[{{ missing }}]", Map.of())).isEqualTo("[]");
    }

    @Test
    void dumpPrintsJsonAsNunjucksDoes() {
        assertThat(VarTemplate.render("{{ m | dump }}", Map.of("m", Map.of("role", "user", "n", 1))))
                .isIn("{\"role\":\"user\",\"n\":1}", "{\"n\":1,\"role\":\"user\"}");
        assertThat(VarTemplate.render("{{ s | dump }}", Map.of("s", "a \"q\""))).isEqualTo("\"a \\\"q\\\"\"");
    }

    @Test
    void varValuesAreNotThemselvesTemplates() {
        assertThat(VarTemplate.render("{{ x }}", Map.of("x", "{{ secret }}", "secret", "leak"))).isEqualTo("{{ secret }}");
    }

    @Test
    void syntaxErrorsAreRefused() {
        assertThatThrownBy(() -> VarTemplate.render("{% if x %}open", Map.of())).hasMessageContaining("template error");
        assertThatThrownBy(() -> VarTemplate.render("{{ unclosed", Map.of())).hasMessageContaining("template error");
    }
}
