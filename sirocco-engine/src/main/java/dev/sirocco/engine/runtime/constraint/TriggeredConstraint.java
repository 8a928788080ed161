package dev.sirocco.engine.runtime.constraint;

import java.nio.charset.StandardCharsets;

/**
 * Free text until a trigger appears in the output, then another constraint for what follows it, then free text again
 * once that part is complete and the next byte does not continue it (llama.cpp's "lazy grammar"). With
 * {@code tool_choice} auto the model may answer in words, but a tool call it opens is held to the call's syntax and
 * schema.
 */
public final class TriggeredConstraint implements OutputConstraint {
    private final byte[] trigger;
    private final OutputConstraint after;

    /** @param after the constraint from the byte after {@code trigger} on */
    public TriggeredConstraint(String trigger, OutputConstraint after) {
        if (trigger.isEmpty()) {
            throw new IllegalArgumentException("an empty trigger would constrain the whole output; use the constraint itself");
        }
        this.trigger = trigger.getBytes(StandardCharsets.UTF_8);
        this.after = after;
    }

    @Override
    public ByteMatcher start() {
        return new Matcher();
    }

    private final class Matcher implements ByteMatcher {
        private int matched;      // bytes of the trigger at the end of the free text so far
        private ByteMatcher inner; // non-null from the trigger until the constrained part is done

        @Override
        public boolean accept(int b) {
            if (inner != null) {
                if (inner.closingCost() == 0) {
                    ByteMatcher probe = inner.copy();
                    if (probe.accept(b)) {
                        inner.copyFrom(probe);
                        return true;
                    }
                    inner = null; // complete, and this byte does not continue it: free text again
                    matched = 0;
                } else {
                    return inner.accept(b);
                }
            }
            matched = advance(matched, b);
            if (matched == trigger.length) {
                inner = after.start();
                matched = 0;
            }
            return true;
        }

        /** The longest trigger prefix that ends the text after {@code b} follows {@code k} matched bytes. */
        private int advance(int k, int b) {
            while (true) {
                if ((trigger[k] & 0xFF) == b) {
                    return k + 1;
                }
                if (k == 0) {
                    return 0;
                }
                // fall back to the longest proper border of trigger[0, k): triggers are short, so search directly
                int next = k - 1;
                while (next > 0 && !regionEquals(0, k - next, next)) {
                    next--;
                }
                k = next;
            }
        }

        private boolean regionEquals(int a, int b, int len) {
            for (int i = 0; i < len; i++) {
                if (trigger[a + i] != trigger[b + i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int closingCost() {
            return inner == null ? 0 : inner.closingCost();
        }

        @Override
        public ByteMatcher copy() {
            Matcher m = new Matcher();
            m.copyFrom(this);
            return m;
        }

        @Override
        public void copyFrom(ByteMatcher other) {
            Matcher o = (Matcher) other;
            matched = o.matched;
            if (o.inner == null) {
                inner = null;
            } else if (inner == null) {
                inner = o.inner.copy();
            } else {
                inner.copyFrom(o.inner);
            }
        }
    }
}
