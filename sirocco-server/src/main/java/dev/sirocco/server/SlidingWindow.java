package dev.sirocco.server;

import java.util.ArrayDeque;

/**
 * Amounts spent in the last minute, as a log of (time, amount): a true sliding window, so a client cannot double its
 * rate by straddling the boundary of a fixed minute. Holds at most one entry per request of the last minute.
 * Not thread-safe: {@link KeyQuotas} locks it.
 */
final class SlidingWindow {
    static final long WINDOW_NANOS = 60_000_000_000L;

    private record Entry(long nanos, long amount) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long total;

    void add(long nowNanos, long amount) {
        evict(nowNanos);
        entries.addLast(new Entry(nowNanos, amount));
        total += amount;
    }

    /** The sum of the last minute. */
    long total(long nowNanos) {
        evict(nowNanos);
        return total;
    }

    /** Nanoseconds until the sum of the last minute falls below {@code limit} (0 if it already is). */
    long nanosUntilBelow(long nowNanos, long limit) {
        evict(nowNanos);
        long sum = total;
        for (Entry e : entries) {
            if (sum < limit) {
                break;
            }
            sum -= e.amount;
            if (sum < limit) {
                return e.nanos + WINDOW_NANOS - nowNanos;
            }
        }
        return 0;
    }

    private void evict(long nowNanos) {
        while (!entries.isEmpty() && nowNanos - entries.peekFirst().nanos >= WINDOW_NANOS) {
            total -= entries.removeFirst().amount;
        }
    }
}
