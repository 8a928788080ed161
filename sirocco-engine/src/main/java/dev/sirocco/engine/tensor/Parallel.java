package dev.sirocco.engine.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed pool of {@code threads} workers that runs a loop body over task indices {@code 0..tasks-1}.
 * The calling thread works too, so {@code threads - 1} platform daemon threads are started; with one
 * thread everything runs inline. A call allocates nothing: tasks are handed out through one shared counter.
 *
 * <p>One {@link #forEach} runs at a time (concurrent callers queue); a {@code forEach} issued from inside
 * a body runs inline on the calling thread. Which thread runs which task is not fixed, so bodies must
 * write disjoint outputs; results are then identical for any thread count.
 */
public final class Parallel implements AutoCloseable {
    private final int threads;
    private final Thread[] workers;
    private final Object lock = new Object();
    private final Object callLock = new Object();
    private final AtomicInteger next = new AtomicInteger();
    // Guarded by lock:
    private IntConsumer body;
    private int tasks;
    private long generation;
    private int busyWorkers;
    private Throwable failure;
    private boolean closed;
    private volatile Thread caller;

    private static final Parallel SERIAL = new Parallel(1);

    /** A shared one-thread instance: it starts no workers, every body runs on its caller (concurrent callers too). */
    public static Parallel serial() {
        return SERIAL;
    }

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "sirocco-parallel-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** The number of threads that run bodies, the caller included. */
    public int threads() {
        return threads;
    }

    /** Runs {@code body.accept(i)} for every {@code i} in {@code 0..tasks-1} and returns when all are done; rethrows the first failure. */
    public void forEach(int tasks, IntConsumer body) {
        if (workers.length == 0 || tasks <= 1 || isPoolThread()) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        synchronized (callLock) {
            caller = Thread.currentThread();
            try {
                runShared(tasks, body);
            } finally {
                caller = null;
            }
        }
    }

    /**
     * Splits {@code 0..n-1} into about {@code chunksPerThread * threads()} contiguous ranges and runs
     * {@code body.run(from, to)} on each (to exclusive).
     */
    public void forRange(int n, int chunksPerThread, RangeBody body) {
        int chunks = Math.max(1, Math.min(n, threads * Math.max(1, chunksPerThread)));
        int per = (n + chunks - 1) / chunks;
        int count = per == 0 ? 0 : (n + per - 1) / per;
        forEach(count, c -> body.run(c * per, Math.min(n, (c + 1) * per)));
    }

    /**
     * The running thread's slot in {@code 0..threads()-1} (0 for the caller and for anyone running a body inline), so
     * a body can keep per-thread scratch in an array instead of a {@link ThreadLocal}, whose lookup showed up in
     * profiles of short gemm tasks.
     */
    public int slot() {
        Thread t = Thread.currentThread();
        for (int i = 0; i < workers.length; i++) {
            if (workers[i] == t) {
                return i + 1;
            }
        }
        return 0;
    }

    /** A loop body over a range of indices. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private boolean isPoolThread() {
        Thread t = Thread.currentThread();
        if (t == caller) {
            return true;
        }
        for (Thread w : workers) {
            if (w == t) {
                return true;
            }
        }
        return false;
    }

    private void runShared(int tasks, IntConsumer body) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("Parallel is closed");
            }
            this.body = body;
            this.tasks = tasks;
            this.failure = null;
            next.set(0);
            busyWorkers = workers.length;
            generation++;
            lock.notifyAll();
        }
        Throwable mine = null;
        try {
            drain(body, tasks);
        } catch (Throwable t) {
            mine = t;
        }
        Throwable theirs;
        synchronized (lock) {
            while (busyWorkers > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    // Workers still read the body: finish waiting, then restore the flag.
                    Thread.currentThread().interrupt();
                }
            }
            this.body = null;
            theirs = failure;
        }
        Throwable first = mine != null ? mine : theirs;
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    private void drain(IntConsumer body, int tasks) {
        for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
            body.accept(i);
        }
    }

    private void workerLoop() {
        long seen = 0;
        while (true) {
            IntConsumer b;
            int t;
            synchronized (lock) {
                while (generation == seen && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        // Only close() ends a worker.
                    }
                }
                if (closed) {
                    return;
                }
                seen = generation;
                b = body;
                t = tasks;
            }
            Throwable err = null;
            try {
                drain(b, t);
            } catch (Throwable e) {
                err = e;
            }
            synchronized (lock) {
                if (err != null && failure == null) {
                    failure = err;
                }
                if (--busyWorkers == 0) {
                    lock.notifyAll();
                }
            }
        }
    }

    /** Stops the workers; later calls to {@link #forEach} with more than one task fail. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }
}
