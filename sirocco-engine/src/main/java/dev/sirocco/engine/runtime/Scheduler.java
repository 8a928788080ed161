package dev.sirocco.engine.runtime;

import dev.sirocco.engine.model.AdapterSet;
import dev.sirocco.engine.model.Batch;
import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.model.Transformer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * Continuous batching for one engine: up to {@code slots} sequences advance together, one batched forward pass
 * per step (each decoding sequence contributes its next token, sequences in prefill chunks of their prompts up to one
 * chunk's worth of tokens in all), so
 * the weights are read once per step for everyone. Requests wait in a bounded queue and join between steps;
 * finished and cancelled ones leave at once and free their slot. A finished sequence's KV cache is kept with the
 * tokens it holds, and a new prompt that starts the same way (a shared system prompt, the earlier turns of a chat)
 * continues from it instead of evaluating that prefix again.
 *
 * <p>On quantized weights a sequence's numbers do not depend on its neighbours: prompts are evaluated in the same
 * chunks as a {@link Session} would (from the reused prefix on, when there is one), attention follows each sequence's own chunk, and the 8-bit integer dot
 * products are per (row, token), so greedy output is the same alone and batched; except repacked Q4_K, whose rows in a
 * tile of four round differently from the rest, as in llama.cpp's batches. F32/F16/BF16 weights follow
 * llama.cpp, whose float lanes differ between one row and a batch (tinyBLAS), so there a batched decode step can
 * differ from a lone one in the last bits, as it does in llama.cpp. The scheduler's thread is the only one that
 * may use the engine.
 */
public final class Scheduler implements AutoCloseable {
    private final Engine engine;
    private final int slots;
    private final int queueCapacity;
    private final int chunk;
    private final Transformer model;
    private final Batch batch;
    private final float[] logits;
    /** Caches of finished sequences with the tokens they hold: a new prompt that starts the same way reuses them. */
    private final List<FreeCache> freeCaches = new ArrayList<>();
    private volatile long reusedPromptTokens;
    private volatile long mixedAdapterPasses;
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final ArrayDeque<EmbeddingJob> embeddings = new ArrayDeque<>();
    private Session embeddingSession; // made on first use, on the scheduler's thread
    private AdapterSet embeddingAdapters; // the adapters embeddingSession runs with (null: none)
    private final List<Sequence> active = new ArrayList<>();
    private final Sequence[] inBatch;
    private final Thread thread;
    private boolean closed;

    /** A scheduler running {@code slots} sequences at once, with at most {@code queueCapacity} waiting. */
    public Scheduler(Engine engine, int slots, int queueCapacity) {
        if (slots < 1 || queueCapacity < 0) {
            throw new IllegalArgumentException("slots must be >= 1 and the queue >= 0, got " + slots + " and " + queueCapacity);
        }
        this.engine = engine;
        this.slots = slots;
        this.queueCapacity = queueCapacity;
        this.chunk = engine.options().batchSize();
        // Room for every decoding sequence's token plus one whole prompt chunk.
        this.model = engine.newTransformer(chunk + slots);
        this.batch = new Batch(chunk + slots, slots);
        this.logits = new float[slots * engine.vocabSize()];
        this.inBatch = new Sequence[slots];
        this.thread = Thread.ofPlatform().name("sirocco-scheduler").daemon().start(this::loop);
    }

    /** A submitted request: its result when it finishes, and a way to stop it early. */
    public static final class Ticket {
        private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
        private volatile boolean cancelled;

        /** Completes with the generation's result; exceptionally if it failed or was cancelled. */
        public CompletableFuture<GenerationResult> result() {
            return result;
        }

        /** Stops the request at the next step (a client went away); its slot is freed at once. */
        public void cancel() {
            cancelled = true;
        }
    }

    /**
     * Queues a generation of {@code request} after {@code prompt}; {@code listener} is called on the scheduler's
     * thread as tokens come. Throws {@link QueueFullException} when the queue is full, {@link ContextFullException}
     * when the prompt cannot fit the context.
     */
    public Ticket submit(int[] prompt, GenerationRequest request, TokenListener listener) {
        return submit(prompt, request, listener, null);
    }

    /**
     * As {@link #submit(int[], GenerationRequest, TokenListener)}, the sequence running with per-sequence LoRA
     * {@code adapters} (from {@link Engine#loadAdapters}; null for none): it shares each forward pass with sequences
     * that use other adapters or none.
     */
    public Ticket submit(int[] prompt, GenerationRequest request, TokenListener listener, AdapterSet adapters) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens");
        }
        for (int t : prompt) {
            if (t < 0 || t >= engine.vocabSize()) {
                throw new IllegalArgumentException("token id " + t + " is outside the vocabulary of " + engine.vocabSize());
            }
        }
        if (prompt.length + 1 > engine.contextSize()) {
            throw new ContextFullException(0, prompt.length, engine.contextSize());
        }
        Sequence seq = new Sequence(prompt.clone(), request, listener, adapters);
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the scheduler is closed");
            }
            // Waiting requests beyond the free slots are the queue.
            if (waiting.size() >= queueCapacity + (slots - active.size())) {
                throw new QueueFullException(queueCapacity);
            }
            waiting.add(seq);
            notifyAll();
        }
        return seq.ticket;
    }

    /**
     * Queues the embedding of {@code tokens} (see {@link Session#embed}); it runs on the scheduler's thread between
     * two generation steps. Throws {@link QueueFullException} when {@code queueCapacity} embeddings already wait.
     */
    public CompletableFuture<float[]> embed(int[] tokens) {
        return embed(tokens, null);
    }

    /** As {@link #embed(int[])}, the input running with per-sequence LoRA {@code adapters} (null for none). */
    public CompletableFuture<float[]> embed(int[] tokens, AdapterSet adapters) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("the input has no tokens");
        }
        for (int t : tokens) {
            if (t < 0 || t >= engine.vocabSize()) {
                throw new IllegalArgumentException("token id " + t + " is outside the vocabulary of " + engine.vocabSize());
            }
        }
        if (tokens.length > engine.contextSize()) {
            throw new ContextFullException(0, tokens.length, engine.contextSize());
        }
        EmbeddingJob job = new EmbeddingJob(tokens.clone(), adapters, new CompletableFuture<>());
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the scheduler is closed");
            }
            if (embeddings.size() >= Math.max(1, queueCapacity)) {
                throw new QueueFullException(queueCapacity);
            }
            embeddings.add(job);
            notifyAll();
        }
        return job.result();
    }

    /** Prompt tokens that were not evaluated again because a finished sequence's cache already held them. */
    public long reusedPromptTokens() {
        return reusedPromptTokens;
    }

    /**
     * Forward passes that held sequences running with different LoRA adapters (or some with adapters and some
     * without): requests for fine-tunes batched with each other and with their base.
     */
    public long mixedAdapterPasses() {
        return mixedAdapterPasses;
    }

    /** A finished sequence's cache: its keys and values hold {@code tokens} as computed with {@code adapters}. */
    private record FreeCache(KvCache cache, int[] tokens, AdapterSet adapters) {
    }

    private record EmbeddingJob(int[] tokens, AdapterSet adapters, CompletableFuture<float[]> result) {
    }

    /** Requests waiting for a slot. */
    public synchronized int queueDepth() {
        return waiting.size();
    }

    /** Sequences being generated now. */
    public synchronized int activeSequences() {
        return active.size();
    }

    public int slots() {
        return slots;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One request on its way: where its prompt and its cache are. */
    private final class Sequence {
        final Ticket ticket = new Ticket();
        final int[] prompt;
        final GenerationRequest request;
        final TokenListener listener;
        final AdapterSet adapters; // null: none
        Generation generation;
        KvCache cache;
        int position;   // tokens in the cache
        int[] history;  // (position): the tokens the cache holds, for the next prompt that starts the same way
        final int[] next = new int[1]; // the token to evaluate next once the prompt is done

        Sequence(int[] prompt, GenerationRequest request, TokenListener listener, AdapterSet adapters) {
            this.adapters = adapters;
            this.prompt = prompt;
            this.request = request;
            this.listener = listener;
        }

        boolean prefilling() {
            return position < prompt.length;
        }
    }

    private void loop() {
        while (true) {
            EmbeddingJob job;
            synchronized (this) {
                while (!closed && active.isEmpty() && waiting.isEmpty() && embeddings.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
                if (closed) {
                    break;
                }
                job = embeddings.poll();
                while (active.size() < slots && !waiting.isEmpty()) {
                    Sequence seq = waiting.poll();
                    attachCache(seq);
                    seq.generation = new Generation(engine.tokenizer(), engine.vocabSize(), seq.prompt, seq.request, seq.listener,
                            engine.contextSize() - seq.prompt.length);
                    active.add(seq);
                }
            }
            if (job != null) {
                runEmbedding(job);
            }
            step();
        }
        failAll(new CancellationException("the scheduler was closed"));
    }

    /**
     * Gives {@code seq} the free cache holding the longest prefix of its prompt (llama.cpp's prompt cache): those
     * positions are not evaluated again; at least the prompt's last token is, for its logits.
     */
    private void attachCache(Sequence seq) {
        int best = -1;
        int bestLength = 0;
        for (int i = 0; i < freeCaches.size(); i++) {
            int[] held = freeCaches.get(i).tokens();
            int n = 0;
            // keys and values computed with other adapters are not this sequence's: reuse the cache, not its prefix
            int max = freeCaches.get(i).adapters() != seq.adapters ? 0 : Math.min(held.length, seq.prompt.length - 1);
            while (n < max && held[n] == seq.prompt[n]) {
                n++;
            }
            if (best < 0 || n > bestLength) {
                best = i;
                bestLength = n;
            }
        }
        seq.history = new int[engine.contextSize()];
        if (best < 0) {
            seq.cache = engine.newCache();
            return;
        }
        seq.cache = freeCaches.remove(best).cache();
        seq.position = bestLength;
        System.arraycopy(seq.prompt, 0, seq.history, 0, bestLength);
        reusedPromptTokens += bestLength;
    }

    /** One batched forward pass: every decoding sequence's next token, then prompt chunks up to one chunk's tokens. */
    private void step() {
        for (int i = active.size() - 1; i >= 0; i--) {
            Sequence seq = active.get(i);
            if (seq.ticket.cancelled) {
                release(i, null, new CancellationException("cancelled"));
            }
        }
        batch.clear();
        int segments = 0;
        for (Sequence seq : active) {
            if (!seq.prefilling()) {
                batch.add(seq.next, 0, 1, seq.position, seq.cache, seq.adapters);
                inBatch[segments++] = seq;
            }
        }
        // Prompt chunks up to one chunk's worth of tokens in all, so several short prompts that arrive together are
        // evaluated in one pass (one at a time, the sixteenth of sixteen waited fifteen passes for its first token).
        // Each is still cut exactly as Session.evaluate cuts it (so the same numbers as alone, but for repacked Q4_K,
        // whose rounding depends on a row's place in the batch: see the class comment).
        int budget = chunk;
        for (Sequence seq : active) {
            if (seq.prefilling()) {
                int n = Math.min(chunk, seq.prompt.length - seq.position);
                if (n > budget) {
                    continue;
                }
                batch.add(seq.prompt, seq.position, n, seq.position, seq.cache, seq.adapters);
                inBatch[segments++] = seq;
                budget -= n;
            }
        }
        if (segments == 0) {
            return;
        }
        for (int s = 1; s < segments; s++) {
            if (inBatch[s].adapters != inBatch[0].adapters) {
                mixedAdapterPasses++; // only this thread writes it
                break;
            }
        }
        try {
            model.forward(batch, logits);
        } catch (RuntimeException e) {
            for (int s = 0; s < segments; s++) {
                release(active.indexOf(inBatch[s]), null, e);
            }
            return;
        }
        int vocab = engine.vocabSize();
        for (int s = 0; s < segments; s++) {
            Sequence seq = inBatch[s];
            inBatch[s] = null;
            if (seq.prefilling()) {
                int n = Math.min(chunk, seq.prompt.length - seq.position);
                System.arraycopy(seq.prompt, seq.position, seq.history, seq.position, n);
                seq.position += n;
            } else {
                seq.history[seq.position++] = seq.next[0];
            }
            if (seq.prefilling()) {
                continue; // more prompt to go: these logits are not wanted
            }
            try {
                int token = seq.generation.next(logits, s * vocab);
                if (token != Generation.DONE && seq.position >= seq.cache.capacity()) {
                    seq.generation.finish(GenerationResult.FinishReason.CONTEXT_FULL);
                    token = Generation.DONE;
                }
                if (token == Generation.DONE) {
                    release(active.indexOf(seq), seq.generation.result(), null);
                } else {
                    seq.next[0] = token;
                }
            } catch (RuntimeException e) { // e.g. the listener's client went away
                release(active.indexOf(seq), null, e);
            }
        }
    }

    private void runEmbedding(EmbeddingJob job) {
        try {
            if (embeddingSession == null || embeddingAdapters != job.adapters()) { // one session, for the last adapters asked
                embeddingSession = job.adapters() == null ? engine.newSession() : engine.newSession(job.adapters());
                embeddingAdapters = job.adapters();
            }
            job.result().complete(embeddingSession.embed(job.tokens(), engine.pooling()));
        } catch (RuntimeException e) {
            job.result().completeExceptionally(e);
        }
    }

    private void release(int index, GenerationResult result, Throwable failure) {
        Sequence seq;
        synchronized (this) {
            seq = active.remove(index);
        }
        freeCaches.add(new FreeCache(seq.cache, Arrays.copyOf(seq.history, seq.position), seq.adapters));
        seq.cache = null;
        if (failure != null) {
            seq.ticket.result.completeExceptionally(failure);
        } else {
            seq.ticket.result.complete(result);
        }
    }

    private void failAll(RuntimeException e) {
        synchronized (this) {
            for (Sequence seq : active) {
                seq.ticket.result.completeExceptionally(e);
            }
            for (Sequence seq : waiting) {
                seq.ticket.result.completeExceptionally(e);
            }
            for (EmbeddingJob job : embeddings) {
                job.result().completeExceptionally(e);
            }
            active.clear();
            waiting.clear();
            embeddings.clear();
        }
    }
}
