package dev.sirocco.evals.suite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;

import java.util.Map;

/**
 * Fills a prompt (or an assertion value) with a test's vars. promptfoo uses Nunjucks; we use Jinjava, whose
 * {@code {{ var }}}, {@code {{ obj.field }}}, filters, {@code {% if %}} and {@code {% for %}} behave the same
 * for the templates suites write. An undefined var renders empty, as in Nunjucks. Var values are never
 * themselves evaluated as templates.
 */
public final class VarTemplate {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Jinjava JINJAVA = newEngine();

    private static Jinjava newEngine() {
        Jinjava j = new Jinjava(JinjavaConfig.newBuilder()
                .withKeepTrailingNewline(true)
                .withNestedInterpretationEnabled(false)
                .withFailOnUnknownTokens(false)
                .build());
        // Nunjucks' dump (JSON.stringify), common in promptfoo prompts: {{ messages | dump }}
        j.getGlobalContext().registerFilter(new Filter() {
            @Override
            public String getName() {
                return "dump";
            }

            @Override
            public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
                try {
                    return JSON.writeValueAsString(var);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("dump: " + e.getOriginalMessage(), e);
                }
            }
        });
        return j;
    }

    private VarTemplate() {
    }

    /** Renders {@code template}; a syntax error becomes an {@link IllegalArgumentException} naming the template line. */
    public static String render(String template, Map<String, Object> vars) {
        if (!template.contains("{{") && !template.contains("{%") && !template.contains("{#")) {
            return template;
        }
        RenderResult result = JINJAVA.renderForResult(template, vars);
        for (TemplateError e : result.getErrors()) {
            // Jinjava reports an unclosed {{ only as a warning; Nunjucks refuses it, and so do we
            if (e.getSeverity() == TemplateError.ErrorType.FATAL || e.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR) {
                throw new IllegalArgumentException("template error at template line " + e.getLineno() + ": "
                        + e.getMessage());
            }
        }
        return result.getOutput();
    }
}
