package dev.sirocco.server;

import dev.sirocco.engine.runtime.ContextFullException;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.Session;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One API request on its model's scheduler: tokenizes the prompt, generates {@code n} choices one after
 * another and reports {@link GenerationEvent}s to the HTTP thread, which turns them into one JSON body or
 * an SSE stream. Both paths read the same events, so streamed and whole responses carry the same text.
 */
final class GenerationTask {
    /** Thrown from the token listener to abandon a generation whose client has gone. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("client went away", null, false, false);
        }
    }

    private final ServedModel model;
    private final ServerMetrics metrics;
    private final List<String> prompts;
    private final Function<String, int[]> encoder;
    private final String promptParam;
    private final GenerationParams params;
    private final long seed;
    private final long arrivedNanos;
    private final LinkedBlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /**
     * @param prompts one prompt per choice group; each gets {@code params.n()} choices, indexed in order
     * @param encoder     prompt text to tokens (chat prompts and plain prompts add BOS differently)
     * @param promptParam the request field an over-long prompt is blamed on
     */
    GenerationTask(ServedModel model, ServerMetrics metrics, List<String> prompts, Function<String, int[]> encoder,
                   String promptParam, GenerationParams params, long seed, long arrivedNanos) {
        this.promptParam = promptParam;
        this.model = model;
        this.metrics = metrics;
        this.prompts = prompts;
        this.encoder = encoder;
        this.params = params;
        this.seed = seed;
        this.arrivedNanos = arrivedNanos;
    }

    /** Queues the task; a full queue is a 429 with a hint when to retry. */
    void submit() {
        if (!model.scheduler().offer(this::run)) {
            throw ApiException.tooBusy(1, "model '" + model.id() + "' has " + model.scheduler().capacity()
                    + " requests waiting already; retry shortly");
        }
    }

    /** The next event, waiting as long as needed. */
    GenerationEvent next() throws InterruptedException {
        return events.take();
    }

    /** The next event, or null after {@code millis}. */
    GenerationEvent poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the generation at its next token (the client disconnected); a queued task never starts. */
    void cancel() {
        cancelled.set(true);
    }

    private void run(Session session) {
        if (cancelled.get()) {
            return;
        }
        try {
            int index = 0;
            boolean firstToken = true;
            for (String prompt : prompts) {
                int[] tokens = encoder.apply(prompt);
                if (tokens.length + 1 > session.contextSize()) { // room for the prompt and one generated token
                    throw new ContextFullException(0, tokens.length, session.contextSize());
                }
                events.add(new GenerationEvent.Prompt(tokens.length));
                for (int c = 0; c < params.n(); c++, index++) {
                    session.reset();
                    int maxTokens = params.maxTokens() != null ? params.maxTokens() : session.contextSize();
                    GenerationRequest request = new GenerationRequest(maxTokens, params.sampling(index, seed), params.stop(), false);
                    int choice = index;
                    boolean[] first = {firstToken};
                    var result = Generator.generate(session, model.engine().tokenizer(), tokens, request, (id, text) -> {
                        if (cancelled.get()) {
                            throw new Cancelled();
                        }
                        if (first[0]) {
                            first[0] = false;
                            metrics.timeToFirstToken(model.id(), System.nanoTime() - arrivedNanos);
                        }
                        events.add(new GenerationEvent.Piece(choice, text));
                    });
                    firstToken = first[0];
                    metrics.tokens(model.id(), result.promptTokens(), result.tokens().length);
                    events.add(new GenerationEvent.ChoiceDone(choice, result));
                }
            }
            events.add(new GenerationEvent.Finished());
        } catch (Cancelled e) {
            metrics.cancelled(model.id());
            events.add(new GenerationEvent.Failed(e));
        } catch (ContextFullException e) {
            events.add(new GenerationEvent.Failed(new ApiException(400, "invalid_request_error", promptParam,
                    "context_length_exceeded", "the prompt does not fit the model's context of "
                    + session.contextSize() + " tokens: " + e.getMessage())));
        } catch (RuntimeException e) {
            events.add(new GenerationEvent.Failed(e));
        }
    }
}
