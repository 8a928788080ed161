package dev.sirocco.server;

import dev.sirocco.engine.runtime.ContextFullException;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.constraint.TokenIndex;
import dev.sirocco.engine.runtime.QueueFullException;
import dev.sirocco.engine.runtime.Scheduler;
import dev.sirocco.engine.runtime.TokenListener;
import dev.sirocco.engine.runtime.TokenLogprob;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One API request on its model's {@link Scheduler}: tokenizes the prompts, submits {@code n} choices per prompt as
 * sequences that the scheduler batches with everyone else's, and reports {@link GenerationEvent}s to the HTTP thread,
 * which turns them into one JSON body or an SSE stream. Both paths read the same events, so streamed and whole
 * responses carry the same text.
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
    private final List<Scheduler.Ticket> tickets = new ArrayList<>();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicBoolean firstToken = new AtomicBoolean(true);
    private volatile java.util.Map<Integer, String> printed = java.util.Map.of();
    private long deadlineNanos;
    private java.time.Duration timeout;

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

    /**
     * Prints these control tokens as their text (by id) in the generated text, which otherwise leaves control tokens
     * out: the tool-call syntax of some families is made of them. Call before {@link #submit()}.
     */
    GenerationTask printing(java.util.Map<Integer, String> tokens) {
        this.printed = tokens;
        return this;
    }

    /**
     * Tokenizes every prompt and queues its choices; a prompt longer than the context is a 400, a full queue a 429
     * with a hint when to retry (choices already queued are withdrawn). The request may take {@code timeout} from now,
     * waiting in the queue included; past it, {@link #next} stops every choice and reports a 504.
     */
    void submit(java.time.Duration timeout) {
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        Scheduler scheduler = model.scheduler();
        int contextSize = model.engine().contextSize();
        List<int[]> encoded = new ArrayList<>();
        for (String prompt : prompts) {
            int[] tokens = encoder.apply(prompt);
            if (tokens.length + 1 > contextSize) { // room for the prompt and one generated token
                throw new ApiException(400, "invalid_request_error", promptParam, "context_length_exceeded",
                        "the prompt does not fit the model's context of " + contextSize + " tokens: "
                        + new ContextFullException(0, tokens.length, contextSize).getMessage());
            }
            encoded.add(tokens);
        }
        if (params.constraint() != null) { // index the vocabulary here, not on the scheduler's thread that everyone waits on
            TokenIndex.of(model.engine().tokenizer());
        }
        int choices = encoded.size() * params.n();
        AtomicInteger remaining = new AtomicInteger(choices);
        int index = 0;
        try {
            for (int[] tokens : encoded) {
                events.add(new GenerationEvent.Prompt(tokens.length));
                for (int c = 0; c < params.n(); c++, index++) {
                    int maxTokens = params.maxTokens() != null ? params.maxTokens() : contextSize;
                    GenerationRequest request = new GenerationRequest(maxTokens, params.sampling(index, seed), params.stop(),
                            false, params.logprobs(), params.constraint());
                    int choice = index;
                    Scheduler.Ticket ticket = scheduler.submit(tokens, request, new TokenListener() {
                        @Override
                        public void onToken(int token, String text) {
                            onToken(token, text, null);
                        }

                        @Override
                        public void onToken(int token, String text, TokenLogprob logprob) {
                            if (cancelled.get()) {
                                throw new Cancelled();
                            }
                            if (firstToken.compareAndSet(true, false)) {
                                metrics.timeToFirstToken(model.id(), System.nanoTime() - arrivedNanos);
                            }
                            String shown = printed.get(token);
                            events.add(new GenerationEvent.Piece(choice, shown == null ? text : text + shown, logprob));
                        }
                    }, model.adapters());
                    tickets.add(ticket);
                    ticket.result().whenComplete((result, error) -> {
                        if (error != null) {
                            fail(error);
                            return;
                        }
                        metrics.tokens(model.id(), result.promptTokens(), result.tokens().length, result.generationNanos());
                        events.add(new GenerationEvent.ChoiceDone(choice, result));
                        if (remaining.decrementAndGet() == 0 && !failed.get()) {
                            events.add(new GenerationEvent.Finished());
                        }
                    });
                }
            }
        } catch (QueueFullException e) {
            cancel();
            throw ApiException.tooBusy(1, "model '" + model.id() + "' is busy: " + e.getMessage());
        }
    }

    /** The first failure of any choice fails the request; the other choices are stopped. */
    private void fail(Throwable error) {
        if (!failed.compareAndSet(false, true)) {
            return;
        }
        cancel();
        if (error instanceof Cancelled || error instanceof CancellationException) {
            metrics.cancelled(model.id());
        }
        events.add(new GenerationEvent.Failed(error instanceof RuntimeException r ? r : new IllegalStateException(error)));
    }

    /**
     * The next event, waiting at most until the request's deadline. Past it, the choices are stopped (as for a client
     * that left) and the event is a failure with a 504 {@code request_timeout}: the whole-body path answers with that
     * error, the streaming path sends it as its last event. Events already queued still come first, so a request
     * that finished just in time is not failed.
     */
    GenerationEvent next() throws InterruptedException {
        GenerationEvent ev = events.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (ev != null) {
            return ev;
        }
        failed.set(true); // later failures of the cancelled choices are not reported
        cancel();
        metrics.cancelled(model.id());
        return new GenerationEvent.Failed(ApiException.timedOut(timeout));
    }

    /** The next event, or null after {@code millis}. */
    GenerationEvent poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Stops every choice at its next step (the client disconnected); queued choices never start. */
    void cancel() {
        cancelled.set(true);
        for (Scheduler.Ticket t : tickets) {
            t.cancel();
        }
    }
}
