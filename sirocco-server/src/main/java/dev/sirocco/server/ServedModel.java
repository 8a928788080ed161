package dev.sirocco.server;

import dev.sirocco.chat.ChatMessage;
import dev.sirocco.chat.ChatTemplate;
import dev.sirocco.chat.ToolCallFormat;
import dev.sirocco.engine.model.AdapterSet;
import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.Scheduler;
import dev.sirocco.engine.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One model the server answers for: its id (the file name without {@code .gguf}), the loaded engine,
 * its chat template and the {@link Scheduler} that batches its generations. A fine-tuned model served beside its
 * base ({@link #withAdapters}) shares the base's engine and scheduler and runs its sequences with its LoRA
 * adapters, so requests for the base and for its fine-tunes are batched together.
 */
public final class ServedModel implements AutoCloseable {
    private final String id;
    private final Engine engine;
    private final ChatTemplate template;
    private final ToolCallFormat toolFormat;
    private final Map<Integer, String> toolTokens;
    private final String bosText;
    private final long created;
    private final Scheduler scheduler;
    private final AdapterSet adapters; // null: the base model
    private final boolean owner;       // closes the engine and scheduler (false for an adapter view)

    private ServedModel(String id, Engine engine, long created, int parallel, int queueCapacity) {
        this.id = id;
        this.engine = engine;
        this.created = created;
        Vocabulary v = engine.tokenizer().vocabulary();
        this.bosText = tokenText(v, v.bos());
        this.template = template(engine, bosText, tokenText(v, v.eos()));
        this.toolFormat = ToolCallFormat.detect(template.source());
        this.toolTokens = toolTokens(engine, toolFormat);
        this.scheduler = new Scheduler(engine, parallel, queueCapacity);
        this.adapters = null;
        this.owner = true;
    }

    private ServedModel(ServedModel base, String id, AdapterSet adapters) {
        this.id = id;
        this.engine = base.engine;
        this.created = base.created;
        this.bosText = base.bosText;
        this.template = base.template;
        this.toolFormat = base.toolFormat;
        this.toolTokens = base.toolTokens;
        this.scheduler = base.scheduler;
        this.adapters = adapters;
        this.owner = false;
    }

    /**
     * This model with LoRA {@code adapters} (llama.cpp adapter GGUFs at their scales) under the id {@code id}: it shares
     * this model's engine, scheduler and KV cache budget; closing it closes nothing (close the base).
     */
    public ServedModel withAdapters(String id, List<AppliedLora> adapters) throws IOException {
        if (this.adapters != null) {
            throw new IllegalStateException("'" + this.id + "' is already an adapter model; add adapters to its base");
        }
        return new ServedModel(this, id, engine.loadAdapters(adapters));
    }

    /** The LoRA adapters this model's sequences run with, or null for a base model. */
    AdapterSet adapters() {
        return adapters;
    }

    /** Loads a GGUF file served one sequence at a time; {@code queueCapacity} sequences may wait. */
    public static ServedModel load(Path file, EngineOptions options, int queueCapacity) throws IOException {
        return load(file, options, 1, queueCapacity);
    }

    /**
     * Loads a GGUF file; {@code parallel} sequences are generated together (continuous batching, each with its own
     * KV cache of the context size), and {@code queueCapacity} more may wait for a slot.
     */
    public static ServedModel load(Path file, EngineOptions options, int parallel, int queueCapacity) throws IOException {
        return load(idOf(file), file, options, parallel, queueCapacity);
    }

    /** Loads a GGUF file served under {@code id} (a model store id, say). */
    public static ServedModel load(String id, Path file, EngineOptions options, int parallel, int queueCapacity) throws IOException {
        Engine engine = Engine.load(file, options.withSequences(parallel));
        try {
            warmUp(engine, id);
            long created = Files.getLastModifiedTime(file).toMillis() / 1000;
            return new ServedModel(id, engine, created, parallel, queueCapacity);
        } catch (Throwable e) { // an OutOfMemoryError in the warm-up too: the mapped file is let go
            engine.close();
            throw e;
        }
    }

    private static final String WARM_UP_TEXT =
            "Warm-up: the quick brown fox jumps over the lazy dog, and the dog runs after the fox into the woods.";

    /**
     * A short prompt and two decode steps before the model takes requests, as llama-server's warm-up run: the JIT
     * compiles the kernels here instead of inside the first user's time to first token (about 5 s on the 1B-shaped
     * file with a 70-token prompt, against under 2 s once warm). A failure is reported and loading goes on: the
     * requests will say what is wrong.
     */
    static void warmUp(Engine engine, String id) {
        long start = System.nanoTime();
        try {
            int[] text = engine.tokenizer().encode(WARM_UP_TEXT, true, false);
            int n = Math.min(text.length, Math.min(24, engine.contextSize() - 2));
            if (n < 1) {
                return;
            }
            var session = engine.newSession();
            session.evaluate(java.util.Arrays.copyOf(text, n));
            session.evaluate(text[0]);
            session.evaluate(text[0]);
        } catch (RuntimeException e) {
            System.err.println("sirocco: warming up '" + id + "' failed: " + e.getMessage());
            return;
        }
        System.err.printf("sirocco: warmed up '%s' in %d ms%n", id, (System.nanoTime() - start) / 1_000_000);
    }

    /** The model id clients send: the file name without its {@code .gguf} extension. */
    public static String idOf(Path file) {
        String name = file.getFileName().toString();
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    }

    public String id() {
        return id;
    }

    public Engine engine() {
        return engine;
    }

    long created() {
        return created;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /**
     * The chat prompt for {@code messages}, as {@code sirocco run --chat} renders it. Synchronized: one template
     * instance per model, and rendering is cheap next to generation.
     */
    synchronized String renderChat(List<ChatMessage> messages) {
        return template.render(messages, true);
    }

    /** The chat prompt with {@code tools} (OpenAI shape) listed as the template lists them; null for none. */
    synchronized String renderChat(List<ChatMessage> messages, List<Map<String, Object>> tools) {
        return template.render(messages, tools, true, Map.of());
    }

    /** Whether the chat template uses the {@code tools} it is given (else tools would silently vanish). */
    boolean templateRendersTools() {
        return template.source().contains("tools");
    }

    /** How this model writes tool calls, or null when its template shows no format this server reads. */
    ToolCallFormat toolFormat() {
        return toolFormat;
    }

    /**
     * Control tokens of the tool-call syntax ({@code [TOOL_CALLS]}, {@code <|python_tag|>}) by id, with their text:
     * ordinary detokenization prints them as nothing, so a generation with tools prints them itself.
     */
    Map<Integer, String> toolTokens() {
        return toolTokens;
    }

    private static Map<Integer, String> toolTokens(Engine engine, ToolCallFormat format) {
        Map<Integer, String> out = new HashMap<>();
        if (format == null) {
            return Map.of();
        }
        String[] tokens = engine.tokenizer().vocabulary().tokens();
        List<String> wanted = format.preservedTokens();
        for (int id = 0; id < tokens.length; id++) {
            if (wanted.contains(tokens[id]) && engine.tokenizer().tokenBytes(id, false).length == 0) {
                out.put(id, new String(engine.tokenizer().tokenBytes(id, true), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return Map.copyOf(out);
    }

    /** Chat prompt tokens: a rendered template already carries its BOS text, so BOS is added only when it does not. */
    int[] encodeChat(String rendered) {
        boolean addSpecial = bosText.isEmpty() || !rendered.startsWith(bosText);
        return engine.tokenizer().encode(rendered, addSpecial, true);
    }

    /** Plain-text prompt tokens, BOS/EOS added as the file's metadata says (as llama.cpp's server does). */
    int[] encodePrompt(String prompt) {
        return engine.tokenizer().encode(prompt, true, true);
    }

    /**
     * Fill-in-the-middle prompt tokens as llama.cpp's server builds them: [BOS] FIM_PRE prefix FIM_SUF suffix FIM_MID,
     * with the model's own FIM tokens; a 400 when its vocabulary has none.
     */
    int[] encodeFim(String prefix, String suffix) {
        var special = engine.tokenizer().specialTokens();
        if (special.fimPre() < 0 || special.fimSuf() < 0 || special.fimMid() < 0) {
            throw new ApiException(400, "invalid_request_error", "model", "fim_not_supported",
                    "the model '" + id + "' has no fill-in-the-middle tokens (FIM prefix/suffix/middle); use a code model"
                            + " that has them (e.g. Codestral, Qwen2.5-Coder) or /v1/completions");
        }
        int[] pre = engine.tokenizer().encode(prefix, false, false);
        int[] suf = engine.tokenizer().encode(suffix, false, false);
        boolean bos = special.addBos() && special.bos() >= 0;
        int[] out = new int[(bos ? 1 : 0) + 3 + pre.length + suf.length];
        int i = 0;
        if (bos) {
            out[i++] = special.bos();
        }
        out[i++] = special.fimPre();
        System.arraycopy(pre, 0, out, i, pre.length);
        i += pre.length;
        out[i++] = special.fimSuf();
        System.arraycopy(suf, 0, out, i, suf.length);
        i += suf.length;
        out[i] = special.fimMid();
        return out;
    }

    /** Whether the vocabulary has the tokens {@link #encodeFim} needs. */
    boolean hasFim() {
        var special = engine.tokenizer().specialTokens();
        return special.fimPre() >= 0 && special.fimSuf() >= 0 && special.fimMid() >= 0;
    }

    // The same choice as the CLI's --chat: the file's template, else the family's fallback.
    private static ChatTemplate template(Engine engine, String bos, String eos) {
        String source = engine.file().metadata().getString("tokenizer.chat_template", null);
        if (source != null) {
            return new ChatTemplate(source, bos, eos);
        }
        boolean llama3Headers = Arrays.asList(engine.tokenizer().vocabulary().tokens()).contains("<|start_header_id|>");
        return ChatTemplate.fallbackFor(engine.config().architecture().ggufName(), llama3Headers, bos, eos);
    }

    private static String tokenText(Vocabulary v, int id) {
        String[] tokens = v.tokens();
        return id >= 0 && id < tokens.length ? tokens[id] : "";
    }

    @Override
    public void close() {
        if (owner) {
            scheduler.close();
            engine.close();
        }
    }
}
