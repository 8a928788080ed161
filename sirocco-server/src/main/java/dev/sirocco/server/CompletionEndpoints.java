package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.engine.runtime.constraint.OutputConstraint;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.runtime.GenerationResult;
import dev.sirocco.engine.runtime.TokenLogprob;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: both read a request, queue a
 * {@link GenerationTask} on the model's scheduler and answer with one JSON body or an SSE stream of chunks.
 */
final class CompletionEndpoints {
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom IDS = new SecureRandom();

    /** The two response dialects: chat messages or plain text. */
    private enum Kind {
        CHAT("chatcmpl-", "chat.completion", "chat.completion.chunk"),
        TEXT("cmpl-", "text_completion", "text_completion");

        final String idPrefix;
        final String object;
        final String chunkObject;

        Kind(String idPrefix, String object, String chunkObject) {
            this.idPrefix = idPrefix;
            this.object = object;
            this.chunkObject = chunkObject;
        }
    }

    private final ModelRegistry models;
    private final ServerMetrics metrics;
    private final UsageMeter usage;
    private final java.time.Duration requestTimeout;

    CompletionEndpoints(ModelRegistry models, ServerMetrics metrics, UsageMeter usage, java.time.Duration requestTimeout) {
        this.models = models;
        this.metrics = metrics;
        this.usage = usage;
        this.requestTimeout = requestTimeout;
    }

    void chat(JsonNode body, ServerResponse res, long arrivedNanos) throws InterruptedException {
        ChatRequest req = ChatRequest.read(body);
        ToolsRequest tools = ToolsRequest.read(body);
        ChatPrompt chatPrompt = ChatPrompt.read(body, req.messages(), tools);
        ServedModel model = model(req.model());
        GenerationParams params = req.params();
        OutputConstraint forcedCall = ToolChoiceConstraint.of(tools, model.toolFormat());
        if (forcedCall != null) {
            if (params.constraint() != null) {
                throw ApiException.badField("tool_choice", "a required tool call and a JSON response_format cannot both"
                        + " shape one answer; drop one of them");
            }
            params = params.withConstraint(forcedCall);
        } else if (params.constraint() == null) {
            OutputConstraint openedCall = ToolChoiceConstraint.lazy(tools, model.toolFormat());
            if (openedCall != null) {
                params = params.withConstraint(openedCall);
            }
        }
        String prompt;
        try {
            prompt = chatPrompt.render(model);
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            // A template that raises (e.g. "roles must alternate") is the request's fault, said in the template's words.
            throw ApiException.badField("messages", "the model's chat template refused these messages: " + e.getMessage());
        }
        GenerationTask task = new GenerationTask(model, metrics, List.of(prompt), model::encodeChat, "messages",
                params, seed(params), arrivedNanos);
        ChatChoiceOutput output = ChatChoiceOutput.of(chatPrompt, model);
        if (output.readsToolCalls()) {
            task.printing(model.toolTokens());
        }
        respond(Kind.CHAT, model, task, params, res, output);
    }

    void text(JsonNode body, ServerResponse res, long arrivedNanos) throws InterruptedException {
        CompletionRequest req = CompletionRequest.read(body);
        ServedModel model = model(req.model());
        if ((long) req.prompts().size() * req.params().n() > GenerationParams.MAX_N) {
            throw ApiException.badField("n", "prompts x n may be at most " + GenerationParams.MAX_N + ", got "
                    + req.prompts().size() + " x " + req.params().n());
        }
        GenerationTask task = new GenerationTask(model, metrics, req.prompts(), model::encodePrompt, "prompt",
                req.params(), seed(req.params()), arrivedNanos);
        respond(Kind.TEXT, model, task, req.params(), res, null);
    }

    /** Mistral's fill-in-the-middle: answered in the chat completion's shape, as Mistral's API does. */
    void fim(JsonNode body, ServerResponse res, long arrivedNanos) throws InterruptedException {
        FimRequest req = FimRequest.read(body);
        ServedModel model = model(req.model());
        if (!model.hasFim()) {
            model.encodeFim("", ""); // throws the 400 that explains it
        }
        GenerationTask task = new GenerationTask(model, metrics, List.of(req.prompt()), prefix -> model.encodeFim(prefix, req.suffix()),
                "prompt", req.params(), seed(req.params()), arrivedNanos);
        respond(Kind.CHAT, model, task, req.params(), res, ChatChoiceOutput.plain());
    }

    private ServedModel model(String id) {
        return models.acquire(id);
    }

    private static long seed(GenerationParams p) {
        return p.seed() != null ? p.seed() : ThreadLocalRandom.current().nextLong(Long.MAX_VALUE / 2);
    }

    /** @param output for chat answers: how text becomes messages or deltas; null for plain text completions */
    private void respond(Kind kind, ServedModel model, GenerationTask task, GenerationParams params, ServerResponse res,
                         ChatChoiceOutput output) throws InterruptedException {
        task.submit(requestTimeout);
        String id = kind.idPrefix + randomId(24);
        long created = System.currentTimeMillis() / 1000;
        // The first event decides the status: a prompt that does not fit is a 400, not an SSE stream.
        GenerationEvent first = task.next();
        if (first instanceof GenerationEvent.Failed f) {
            throw failure(f.error());
        }
        if (params.stream()) {
            stream(kind, model, task, params, res, id, created, first, output);
        } else {
            whole(kind, model, task, res, id, created, first, output);
        }
    }

    private void whole(Kind kind, ServedModel model, GenerationTask task, ServerResponse res, String id, long created,
                       GenerationEvent first, ChatChoiceOutput output) throws InterruptedException {
        ObjectNode root = header(kind, id, created, model, kind.object);
        ArrayNode choices = root.putArray("choices");
        int promptTokens = 0;
        int completionTokens = 0;
        for (GenerationEvent ev = first; ; ev = task.next()) {
            switch (ev) {
                case GenerationEvent.Prompt p -> promptTokens += p.tokens();
                case GenerationEvent.Piece p -> {
                    if (output != null) {
                        output.append(p.index(), p.text());
                    }
                }
                case GenerationEvent.ChoiceDone d -> {
                    completionTokens += d.result().tokens().length;
                    ObjectNode c = choices.addObject();
                    c.put("index", d.index());
                    if (kind == Kind.CHAT) {
                        c.set("message", output.message(d.index()));
                    } else {
                        c.put("text", d.result().text());
                    }
                    if (d.result().logprobs().isEmpty()) {
                        c.putNull("logprobs");
                    } else {
                        c.putObject("logprobs").set("content", logprobContent(model, d.result().logprobs()));
                    }
                    c.put("finish_reason", output != null ? output.finishReason(d.index(), d.result().finishReason())
                            : finishReason(d.result().finishReason()));
                }
                case GenerationEvent.Failed f -> throw failure(f.error());
                case GenerationEvent.Finished ignored -> {
                    usage.record(model.id(), promptTokens, completionTokens);
                    root.set("usage", usage(promptTokens, completionTokens));
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(Json.bytes(root));
                    return;
                }
            }
        }
    }

    private void stream(Kind kind, ServedModel model, GenerationTask task, GenerationParams params, ServerResponse res,
                        String id, long created, GenerationEvent first, ChatChoiceOutput output) throws InterruptedException {
        int promptTokens = 0;
        int completionTokens = 0;
        Set<Integer> started = new HashSet<>();
        try (SseStream sse = new SseStream(res)) {
            for (GenerationEvent ev = first; ; ev = task.next()) {
                switch (ev) {
                    case GenerationEvent.Prompt p -> promptTokens += p.tokens();
                    case GenerationEvent.Piece p -> {
                        if (kind == Kind.CHAT && started.add(p.index())) {
                            sse.send(chunk(kind, id, created, model, p.index(), "", true, null));
                        }
                        if (kind == Kind.CHAT) {
                            List<ObjectNode> deltas = output.accept(p.index(), p.text());
                            if (deltas.isEmpty() && p.logprob() != null) {
                                deltas = List.of(Json.MAPPER.createObjectNode().put("content", ""));
                            }
                            for (int i = 0; i < deltas.size(); i++) {
                                ObjectNode chunk = deltaChunk(kind, id, created, model, p.index(), deltas.get(i), null);
                                if (i == deltas.size() - 1 && p.logprob() != null) {
                                    ((ObjectNode) chunk.get("choices").get(0)).putObject("logprobs")
                                            .set("content", logprobContent(model, List.of(p.logprob())));
                                }
                                sse.send(chunk);
                            }
                        } else if (!p.text().isEmpty() || p.logprob() != null) {
                            ObjectNode chunk = chunk(kind, id, created, model, p.index(), p.text(), false, null);
                            if (p.logprob() != null) {
                                ((ObjectNode) chunk.get("choices").get(0)).putObject("logprobs")
                                        .set("content", logprobContent(model, List.of(p.logprob())));
                            }
                            sse.send(chunk);
                        }
                    }
                    case GenerationEvent.ChoiceDone d -> {
                        completionTokens += d.result().tokens().length;
                        if (kind == Kind.CHAT && started.add(d.index())) {
                            sse.send(chunk(kind, id, created, model, d.index(), "", true, null));
                        }
                        String finish = finishReason(d.result().finishReason());
                        if (kind == Kind.CHAT) {
                            for (ObjectNode delta : output.finish(d.index())) {
                                sse.send(deltaChunk(kind, id, created, model, d.index(), delta, null));
                            }
                            finish = output.finishReason(d.index(), d.result().finishReason());
                        }
                        sse.send(chunk(kind, id, created, model, d.index(), null, false, finish));
                    }
                    case GenerationEvent.Failed f -> {
                        // Headers are gone already: the error travels as an event, as OpenAI's API does mid-stream.
                        ApiException e = failure(f.error());
                        sse.send(Json.MAPPER.readTree(ErrorBody.of(e)));
                        return;
                    }
                    case GenerationEvent.Finished ignored -> {
                        usage.record(model.id(), promptTokens, completionTokens);
                        if (params.includeUsage()) {
                            ObjectNode last = header(kind, id, created, model, kind.chunkObject);
                            last.putArray("choices");
                            last.set("usage", usage(promptTokens, completionTokens));
                            sse.send(last);
                        }
                        sse.done();
                        return;
                    }
                }
            }
        } catch (IOException e) {
            task.cancel(); // the client went away: free the model for the next request
            throw new ClientGoneException(e);
        }
    }

    private static ObjectNode chunk(Kind kind, String id, long created, ServedModel model, int index, String text,
                                    boolean role, String finishReason) {
        ObjectNode root = header(kind, id, created, model, kind.chunkObject);
        ObjectNode c = root.putArray("choices").addObject();
        c.put("index", index);
        if (kind == Kind.CHAT) {
            ObjectNode delta = c.putObject("delta");
            if (role) {
                delta.put("role", "assistant");
            }
            if (text != null) {
                delta.put("content", text);
            }
        } else {
            c.put("text", text == null ? "" : text);
        }
        c.putNull("logprobs");
        if (finishReason == null) {
            c.putNull("finish_reason");
        } else {
            c.put("finish_reason", finishReason);
        }
        return root;
    }

    /** A chat chunk carrying {@code delta} for choice {@code index}. */
    private static ObjectNode deltaChunk(Kind kind, String id, long created, ServedModel model, int index, ObjectNode delta,
                                         String finishReason) {
        ObjectNode root = chunk(kind, id, created, model, index, null, false, finishReason);
        ((ObjectNode) root.get("choices").get(0)).set("delta", delta);
        return root;
    }

    /**
     * OpenAI's {@code logprobs.content}: per generated token its text, log-probability, UTF-8 bytes (a token can hold
     * part of a character) and the most likely alternatives.
     */
    private static ArrayNode logprobContent(ServedModel model, List<TokenLogprob> logprobs) {
        ArrayNode content = Json.MAPPER.createArrayNode();
        for (TokenLogprob lp : logprobs) {
            ObjectNode entry = tokenEntry(model, lp.token(), lp.logprob());
            ArrayNode top = entry.putArray("top_logprobs");
            for (int i = 0; i < lp.topTokens().length; i++) {
                top.add(tokenEntry(model, lp.topTokens()[i], lp.topLogprobs()[i]));
            }
            content.add(entry);
        }
        return content;
    }

    private static ObjectNode tokenEntry(ServedModel model, int token, float logprob) {
        byte[] bytes = model.engine().tokenizer().tokenBytes(token);
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("token", new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        e.put("logprob", logprob);
        ArrayNode b = e.putArray("bytes");
        for (byte x : bytes) {
            b.add(x & 0xFF);
        }
        return e;
    }

    private static ObjectNode header(Kind kind, String id, long created, ServedModel model, String object) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model.id());
        return root;
    }

    private static ObjectNode usage(int prompt, int completion) {
        ObjectNode u = Json.MAPPER.createObjectNode();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        return u;
    }

    /** OpenAI's finish reasons, plus Mistral's {@code model_length} when the context window filled up. */
    static String finishReason(GenerationResult.FinishReason r) {
        return switch (r) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case CONTEXT_FULL -> "model_length";
        };
    }

    private static ApiException failure(RuntimeException e) {
        if (e instanceof ApiException api) {
            return api;
        }
        System.getLogger(CompletionEndpoints.class.getName()).log(System.Logger.Level.ERROR, "generation failed", e);
        return new ApiException(500, "server_error", null, "internal_error", "generation failed: " + e);
    }

    /** The client closed the connection mid-stream: nothing more can be sent, nothing is wrong with the server. */
    static final class ClientGoneException extends RuntimeException {
        ClientGoneException(IOException cause) {
            super("the client closed the connection", cause);
        }
    }

    static String randomId(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHANUMERIC.charAt(IDS.nextInt(ALPHANUMERIC.length())));
        }
        return s.toString();
    }
}
