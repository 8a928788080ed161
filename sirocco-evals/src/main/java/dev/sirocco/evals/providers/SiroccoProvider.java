package dev.sirocco.evals.providers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.chat.ChatMessage;
import dev.sirocco.chat.ChatTemplate;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.GenerationResult;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.TokenListener;
import dev.sirocco.engine.runtime.sampling.SamplingParams;
import dev.sirocco.engine.tokenizer.Vocabulary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code sirocco:PATH.gguf}: the model runs in this process through the engine. Messages are rendered with
 * the model's own chat template (the GGUF's {@code tokenizer.chat_template}, else its family's fallback),
 * as {@code sirocco run --chat} does. Greedy unless the suite sets a temperature; requests run one at a time
 * because they share the engine's thread pool.
 */
public final class SiroccoProvider implements Provider {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String label;
    private final Path model;
    private final Map<String, Object> config;
    private Engine engine;
    private ChatTemplate template;

    public SiroccoProvider(String label, Path model, Map<String, Object> config) {
        this.label = label;
        this.model = model;
        this.config = config;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public List<Object> tools() {
        return List.of();
    }

    @Override
    public ObjectNode describe(List<Message> messages) {
        ObjectNode d = JSON.createObjectNode();
        d.put("model", model.toAbsolutePath().normalize().toString());
        try {
            d.put("model_bytes", Files.size(model));
            d.put("model_modified", Files.getLastModifiedTime(model).toMillis());
        } catch (IOException e) {
            d.put("model_bytes", -1);
        }
        ArrayNode msgs = d.putArray("messages");
        messages.forEach(m -> msgs.addObject().put("role", m.role()).put("content", m.content()));
        d.set("config", JSON.valueToTree(new java.util.TreeMap<>(config)));
        return d;
    }

    @Override
    public synchronized ProviderResponse complete(List<Message> messages) {
        long start = System.nanoTime();
        try {
            Engine e = engine();
            List<ChatMessage> chat = messages.stream().map(m -> ChatMessage.of(m.role(), m.content())).toList();
            String text = template.render(chat, true);
            String bos = tokenText(e, e.tokenizer().vocabulary().bos());
            // A rendered template already carries its BOS text; add BOS only where it does not.
            int[] tokens = e.tokenizer().encode(text, bos.isEmpty() || !text.startsWith(bos), true);
            GenerationResult r = Generator.generate(e.newSession(), e.tokenizer(), tokens, request(), TokenListener.NONE);
            List<Double> logprobs = Boolean.TRUE.equals(config.get("logprobs"))
                    ? r.logprobs().stream().map(t -> (double) t.logprob()).toList() : null;
            return new ProviderResponse(r.text(), null, logprobs, null, (System.nanoTime() - start) / 1_000_000, false);
        } catch (RuntimeException ex) {
            return ProviderResponse.failure(label + ": " + ex.getMessage(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    GenerationRequest request() {
        float temperature = number("temperature", 0).floatValue();
        long seed = config.containsKey("seed") ? number("seed", 0).longValue() : SamplingParams.RANDOM_SEED;
        SamplingParams sampling = new SamplingParams(temperature, number("top_k", 40).intValue(),
                number("top_p", 0.95).floatValue(), number("min_p", 0.05).floatValue(),
                number("repeat_penalty", 1.0).floatValue(), 64, 0f, 0f, seed);
        List<String> stop = switch (config.get("stop")) {
            case null -> List.of();
            case List<?> l -> l.stream().map(String::valueOf).toList();
            case Object o -> List.of(String.valueOf(o));
        };
        int logprobs = Boolean.TRUE.equals(config.get("logprobs")) ? 0 : GenerationRequest.NO_LOGPROBS;
        return new GenerationRequest(number("max_tokens", 256).intValue(), sampling, stop, false, logprobs);
    }

    private Number number(String key, double fallback) {
        return config.get(key) instanceof Number n ? n : fallback;
    }

    private Engine engine() {
        if (engine == null) {
            EngineOptions options = EngineOptions.defaults().withContextSize(number("context_size", 0).intValue());
            if (config.get("threads") instanceof Number n) {
                options = options.withThreads(n.intValue());
            }
            try {
                engine = Engine.load(model, options);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot load " + model + ": " + ex.getMessage(), ex);
            }
            template = templateOf(engine);
        }
        return engine;
    }

    private static ChatTemplate templateOf(Engine engine) {
        Vocabulary v = engine.tokenizer().vocabulary();
        String bos = tokenText(engine, v.bos());
        String eos = tokenText(engine, v.eos());
        String source = engine.file().metadata().getString("tokenizer.chat_template", null);
        return source != null ? new ChatTemplate(source, bos, eos)
                : ChatTemplate.fallbackFor(engine.config().architecture().ggufName(),
                Arrays.asList(v.tokens()).contains("<|start_header_id|>"), bos, eos);
    }

    private static String tokenText(Engine engine, int id) {
        String[] tokens = engine.tokenizer().vocabulary().tokens();
        return id >= 0 && id < tokens.length ? tokens[id] : "";
    }

    @Override
    public synchronized void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }
}
