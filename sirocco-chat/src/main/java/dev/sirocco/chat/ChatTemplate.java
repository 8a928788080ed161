package dev.sirocco.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ExpressionFactory;

/**
 * Renders a model's chat template (the Jinja text in GGUF {@code tokenizer.chat_template}) to the prompt string,
 * as Hugging Face transformers' {@code apply_chat_template(..., tokenize=False)} does.
 *
 * <p>transformers renders with Jinja2 ({@code trim_blocks=True, lstrip_blocks=True}, loop controls, a
 * {@code tojson} that calls {@code json.dumps(ensure_ascii=False)}, and the globals {@code raise_exception} and
 * {@code strftime_now}). Jinjava differs from Jinja2 in whitespace handling, operator precedence and Python
 * semantics, so the source is first rewritten with Jinja2's whitespace rules ({@link Jinja2Whitespace}), expressions
 * are parsed with Jinja2's precedence ({@link Jinja2Parser}), and the Python string and dict methods that templates
 * call are supplied ({@link PythonMethodResolver}), with Jinja2's for-loops ({@link PythonForTag}) and Python's
 * printing ({@link PythonInterpreter}). The context is {@code messages}, {@code tools},
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, then the caller's extra variables (e.g.
 * {@code enable_thinking}).
 *
 * <p>Messages are given to the template as llama.cpp's server gives them: a null content becomes "", and a tool
 * call becomes {@code {"type": "function", "function": {"name": ..., "arguments": <parsed JSON object>}, "id": ...}}
 * (arguments that are not valid JSON stay a string).
 *
 * <p>Known differences from transformers, all where Jinjava cannot tell None from undefined or is more lenient:
 * a null value prints "" (Python prints "None"); {@code tools is defined} is false when no tools are given (Python:
 * defined, None); where transformers raises, this renders: iterating None, in-place changes such as
 * {@code list.append} (refused by transformers' sandbox), {@code str + dict}; {@code none|default(x)} gives x;
 * {@code |safe} text is not HTML-escaped when joined to plain text (Jinja2's Markup); {@code {% filter %}},
 * {@code caller()} and recursive loops are not supported.
 */
public final class ChatTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final String jinjaSource;
    private final String bosToken;
    private final String eosToken;
    private final String name;
    private final Jinjava jinjava;

    public ChatTemplate(String jinjaSource, String bosToken, String eosToken) {
        this(describe(jinjaSource), jinjaSource, bosToken, eosToken);
    }

    /** @param name how errors name this template (a model file, a test resource) */
    public ChatTemplate(String name, String jinjaSource, String bosToken, String eosToken) {
        if (jinjaSource == null) throw new IllegalArgumentException("no chat template source");
        this.name = name;
        this.source = jinjaSource;
        try {
            this.jinjaSource = Jinja2Whitespace.rewrite(jinja2Source(jinjaSource));
        } catch (Jinja2Whitespace.UnclosedTagException e) {
            throw new ChatTemplateException(name, e.getMessage(), e);
        }
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.jinjava = newEngine();
    }

    /** How errors name this template. */
    public String name() {
        return name;
    }

    /** The Jinja source, as given. */
    public String source() {
        return source;
    }

    /** Renders a conversation without tools. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, null, addGenerationPrompt, Map.of());
    }

    /**
     * @param tools         tool definitions in the OpenAI shape ({@code {"type": "function", "function": {...}}}),
     *                      or null for none
     * @param extraContext  more template variables (e.g. {@code enable_thinking}); they override the standard ones
     */
    public String render(List<ChatMessage> messages, List<Map<String, Object>> tools, boolean addGenerationPrompt,
                         Map<String, Object> extraContext) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("messages", toTemplateMessages(messages));
        context.put("tools", tools);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        // Jinja2 sees its globals as defined variables: Llama 3.2 asks "strftime_now is defined" before calling it.
        context.put("strftime_now", TemplateFunctions.DEFINED_FUNCTION);
        context.put("raise_exception", TemplateFunctions.DEFINED_FUNCTION);
        if (extraContext != null) context.putAll(extraContext);
        return renderContext(context);
    }

    /** Renders with a context the caller built entirely (keys as transformers names them). */
    public String renderContext(Map<String, Object> context) {
        RenderResult result;
        try {
            result = jinjava.renderForResult(jinjaSource, context);
        } catch (RuntimeException e) {
            throw failure(e);
        }
        for (TemplateError error : result.getErrors()) {
            TemplateFunctions.RaisedException raised = findRaised(error.getException());
            if (raised != null) throw new ChatTemplateException(name, "raise_exception: " + raised.getMessage(), raised);
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ChatTemplateException(name, "line " + error.getLineno() + ": " + error.getMessage(),
                        error.getException());
            }
        }
        return result.getOutput();
    }

    private ChatTemplateException failure(RuntimeException e) {
        TemplateFunctions.RaisedException raised = findRaised(e);
        if (raised != null) return new ChatTemplateException(name, "raise_exception: " + raised.getMessage(), raised);
        return new ChatTemplateException(name, e.getMessage(), e);
    }

    private static TemplateFunctions.RaisedException findRaised(Throwable t) {
        for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof TemplateFunctions.RaisedException r) return r;
        }
        return null;
    }

    /** A chat template for a model file that has none; see {@link FallbackTemplates}. */
    public static ChatTemplate fallbackFor(String architecture, String bos, String eos) {
        return fallbackFor(architecture, false, bos, eos);
    }

    /**
     * @param hasLlama3HeaderTokens whether the vocabulary holds {@code <|start_header_id|>} (Llama 3, not Llama 2)
     */
    public static ChatTemplate fallbackFor(String architecture, boolean hasLlama3HeaderTokens, String bos, String eos) {
        FallbackTemplates.Fallback f = FallbackTemplates.forArchitecture(architecture, hasLlama3HeaderTokens);
        return new ChatTemplate("fallback " + f.name() + " for " + architecture, f.source(), bos, eos);
    }

    private static List<Map<String, Object>> toTemplateMessages(List<ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content() == null ? "" : m.content());
            if (!m.toolCalls().isEmpty()) {
                List<Map<String, Object>> calls = new ArrayList<>();
                for (ToolCall call : m.toolCalls()) {
                    Map<String, Object> function = new LinkedHashMap<>();
                    function.put("name", call.name());
                    function.put("arguments", parseArguments(call.argumentsJson()));
                    Map<String, Object> tc = new LinkedHashMap<>();
                    tc.put("type", "function");
                    tc.put("function", function);
                    if (call.id() != null) tc.put("id", call.id());
                    calls.add(tc);
                }
                map.put("tool_calls", calls);
            }
            if (m.toolCallId() != null) map.put("tool_call_id", m.toolCallId());
            if (m.name() != null) map.put("name", m.name());
            out.add(map);
        }
        return out;
    }

    /** Templates mostly print arguments with {@code | tojson}, so they want the parsed object, not its text. */
    private static Object parseArguments(String json) {
        if (json == null) return Map.of();
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            return json;
        }
    }

    private static Jinjava newEngine() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethodResolver());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                // transformers' trim_blocks/lstrip_blocks and the "-" modifiers are applied by Jinja2Whitespace.
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                // Jinjava would strip a newline from the output; Jinja2 strips it from the source (see jinjaSource()).
                .withKeepTrailingNewline(true)
                // Message text must never be evaluated as a template, however many braces it holds.
                .withNestedInterpretationEnabled(false)
                .withFailOnUnknownTokens(false)
                // JSON-schema printers (Gemma 4, GigaChat, Kimi) call their macros recursively.
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(64)
                .withElResolver(resolver)
                .withInterperterFactory(new PythonInterpreter.Factory())
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .withUsePyishObjectMapper(true)
                        // Filters and tests bind tighter than arithmetic, as in Jinja2. Jinja2Parser needs this mode and
                        // fixes what it gets wrong. Measured on real templates: with plain Jinjava and this mode off,
                        // Llama 3.1's "not x|length == 1" fails; on, "not tool_call.id is defined" (Mistral) fails.
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withAllowAdjacentTextNodes(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .withHandleBackslashInQuotesOnly(true)
                        .withDefaultKeepTrailingNewlineBehavior(true)
                        .build())
                .build();
        Jinjava jinjava = new Jinja2Jinjava(config);
        TemplateFunctions.register(jinjava);
        return jinjava;
    }

    /** Jinjava whose expressions are parsed with Jinja2's precedence ({@link Jinja2Parser}). */
    private static final class Jinja2Jinjava extends Jinjava {
        private final ExpressionFactory expressions = new ExpressionFactoryImpl(
                new TreeStore(new Jinja2Parser.SyntaxBuilder(), new Cache(256)), new TruthyTypeConverter());

        Jinja2Jinjava(JinjavaConfig config) {
            super(config);
        }

        @Override
        public ExpressionFactory getExpressionFactory() {
            return expressions;
        }
    }

    /**
     * Jinja2's lexer reads every line ending as "\n" and, with keep_trailing_newline=False (transformers' setting),
     * drops one newline at the end of the source.
     */
    private static String jinja2Source(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static String describe(String source) {
        if (source == null) return "(null)";
        String line = source.strip().lines().findFirst().orElse("");
        return "'" + (line.length() > 60 ? line.substring(0, 60) + "..." : line) + "'";
    }
}
