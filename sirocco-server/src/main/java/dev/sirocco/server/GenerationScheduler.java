package dev.sirocco.server;

import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.Session;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one model's generations one after another on a single thread, from a bounded queue.
 *
 * <p>Why one thread: an {@link Engine}'s kernels are not thread-safe, so only one forward pass may run at a time.
 * This is the honest first step; continuous batching (all active sequences advancing in one batched forward
 * pass per step) replaces it later. A full queue is refused at once (the API answers 429) rather than
 * letting waiting requests pile up without bound.
 */
final class GenerationScheduler implements AutoCloseable {

    /** Work for the scheduler thread; it gets the model's one session, already reset. */
    @FunctionalInterface
    interface Job {
        void run(Session session);
    }

    private final Engine engine;
    private final BlockingQueue<Job> queue;
    private final AtomicInteger running = new AtomicInteger();
    private final Thread worker;
    private volatile boolean closed;

    GenerationScheduler(String modelId, Engine engine, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        }
        this.engine = engine;
        this.queue = new ArrayBlockingQueue<>(capacity);
        // A platform thread: it spends its time in the engine's own compute pool and must not pin a carrier.
        this.worker = Thread.ofPlatform().name("sirocco-scheduler-" + modelId).daemon(true).unstarted(this::loop);
        worker.start();
    }

    /** Queues a job; false when the queue is full (the caller answers 429) or the scheduler is closed. */
    boolean offer(Job job) {
        return !closed && queue.offer(job);
    }

    /** Jobs waiting, not counting the one running. */
    int waiting() {
        return queue.size();
    }

    /** 1 while a job runs, else 0. */
    int running() {
        return running.get();
    }

    int capacity() {
        return queue.size() + queue.remainingCapacity();
    }

    private void loop() {
        Session session = null;
        while (!closed) {
            Job job;
            try {
                job = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                continue;
            }
            running.set(1);
            try {
                if (session == null) {
                    session = engine.newSession(); // one KV cache, reused by every request in turn
                }
                session.reset();
                job.run(session);
            } catch (RuntimeException | Error e) {
                // A job reports its own failures to its client; anything escaping must not stop the model.
                System.Logger log = System.getLogger(GenerationScheduler.class.getName());
                log.log(System.Logger.Level.ERROR, "generation job failed", e);
            } finally {
                running.set(0);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
