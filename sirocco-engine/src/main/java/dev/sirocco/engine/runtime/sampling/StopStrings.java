package dev.sirocco.engine.runtime.sampling;

import java.util.List;

/**
 * Streaming stop-string detection over generated text (OpenAI semantics: the output ends just before the
 * stop string, which is not returned). Text that might be the start of a stop string is held back until
 * the next chunk settles it.
 *
 * <p>The stop is where a stop string is first <em>completed</em> in the text (generation halts there), and
 * among the stop strings completed at that point the one starting earliest; so the result does not depend
 * on how the text is cut into chunks. E.g. stops {@code "abcd"} and {@code "bc"} on {@code "abcd"} stop at
 * {@code "bc"} and emit {@code "a"}.
 */
public final class StopStrings {

    /** What a chunk released: {@code text} is safe to emit; {@code stop} is the matched stop string, or null. */
    public record Step(String text, String stop) {
        public boolean stopped() {
            return stop != null;
        }
    }

    private final String[] stops;
    private final int longest;
    private final StringBuilder pending = new StringBuilder(); // held back: a suffix that may begin a stop
    private String matched;

    public StopStrings(List<String> stops) {
        this.stops = stops.toArray(String[]::new);
        int max = 0;
        for (String s : this.stops) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must be non-empty, got " + stops);
            }
            max = Math.max(max, s.length());
        }
        this.longest = max;
    }

    /** Adds generated text; returns what may be emitted now. After a stop, further chunks release nothing. */
    public Step feed(String chunk) {
        if (matched != null) {
            return new Step("", matched);
        }
        int from = pending.length(); // no stop ends inside the held-back text (we would have stopped)
        pending.append(chunk);
        int n = pending.length();
        for (int end = from + 1; end <= n; end++) {
            String best = null;
            for (String s : stops) {
                int start = end - s.length();
                if (start >= 0 && (best == null || s.length() > best.length()) && endsAt(s, end)) {
                    best = s;
                }
            }
            if (best != null) {
                matched = best;
                String text = pending.substring(0, end - best.length());
                pending.setLength(0);
                return new Step(text, best);
            }
        }
        int hold = heldSuffix();
        String text = pending.substring(0, n - hold);
        pending.delete(0, n - hold);
        return new Step(text, null);
    }

    /** At the end of generation without a stop: releases the held-back text. */
    public String flush() {
        String text = pending.toString();
        pending.setLength(0);
        return text;
    }

    public boolean stopped() {
        return matched != null;
    }

    /** The stop string that ended the text, or null. */
    public String matched() {
        return matched;
    }

    private boolean endsAt(String s, int end) {
        int start = end - s.length();
        for (int i = 0; i < s.length(); i++) {
            if (pending.charAt(start + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Length of the longest suffix of the pending text that is a proper prefix of some stop string. */
    private int heldSuffix() {
        int n = pending.length();
        for (int k = Math.min(n, longest - 1); k > 0; k--) {
            for (String s : stops) {
                if (s.length() > k && isPrefixAt(s, n - k, k)) {
                    return k;
                }
            }
        }
        return 0;
    }

    private boolean isPrefixAt(String s, int at, int k) {
        for (int i = 0; i < k; i++) {
            if (pending.charAt(at + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
