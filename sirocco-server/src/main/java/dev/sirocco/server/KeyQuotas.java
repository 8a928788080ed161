package dev.sirocco.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-key requests-per-minute and tokens-per-minute limits over a sliding minute ({@link SlidingWindow}), kept in
 * this server's memory (each server node counts its own).
 *
 * <p>A request is admitted when its key has made fewer than {@code rpm} requests and spent fewer than {@code tpm}
 * tokens in the last 60 seconds; otherwise it gets 429 with {@code Retry-After}: the seconds until the oldest entries
 * leave the window enough to admit it. Tokens are prompt + completion tokens of finished requests, counted when they
 * finish: a request's cost is unknown when it starts, so one request may take a key past its {@code tpm}, and the
 * next is refused until the minute has room again. Callers without limits (anonymous, {@code --api-key}) pass freely.
 */
final class KeyQuotas {
    private static final class Windows {
        final SlidingWindow requests = new SlidingWindow();
        final SlidingWindow tokens = new SlidingWindow();
    }

    private final Map<String, Windows> byKey = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    KeyQuotas() {
        this(System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime} (tests move it by hand) */
    KeyQuotas(LongSupplier clock) {
        this.clock = clock;
    }

    /** Counts a request against its caller's limits, or throws 429 without counting it. */
    void admit(Caller caller) {
        if (caller.rpm() == null && caller.tpm() == null) {
            return;
        }
        Windows w = byKey.computeIfAbsent(caller.keyId(), k -> new Windows());
        synchronized (w) {
            long now = clock.getAsLong();
            if (caller.rpm() != null && w.requests.total(now) >= caller.rpm()) {
                throw limited(w.requests.nanosUntilBelow(now, caller.rpm()),
                        "this key's limit of " + caller.rpm() + " requests per minute is reached");
            }
            if (caller.tpm() != null && w.tokens.total(now) >= caller.tpm()) {
                throw limited(w.tokens.nanosUntilBelow(now, caller.tpm()),
                        "this key's limit of " + caller.tpm() + " tokens per minute is reached ("
                        + w.tokens.total(now) + " prompt and completion tokens in the last minute)");
            }
            w.requests.add(now, 1);
        }
    }

    /** Counts a finished request's prompt and completion tokens. */
    void spend(Caller caller, long tokens) {
        if (caller.tpm() == null) {
            return;
        }
        Windows w = byKey.computeIfAbsent(caller.keyId(), k -> new Windows());
        synchronized (w) {
            w.tokens.add(clock.getAsLong(), tokens);
        }
    }

    private static ApiException limited(long waitNanos, String message) {
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        return ApiException.rateLimited(seconds, message + "; retry in " + seconds + " s");
    }
}
