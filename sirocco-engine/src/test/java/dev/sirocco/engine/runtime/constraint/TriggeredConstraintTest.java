package dev.sirocco.engine.runtime.constraint;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Free text until the trigger, the inner constraint after it, free text again once the inner part is done. */
class TriggeredConstraintTest {
    /** One to three digits, then complete: a stand-in for a tool call's JSON. */
    private static final class Digits implements ByteMatcher {
        int n;

        @Override
        public boolean accept(int b) {
            if (b < '0' || b > '9' || n == 3) {
                return false;
            }
            n++;
            return true;
        }

        @Override
        public int closingCost() {
            return n == 0 ? 1 : 0;
        }

        @Override
        public ByteMatcher copy() {
            Digits d = new Digits();
            d.n = n;
            return d;
        }

        @Override
        public void copyFrom(ByteMatcher other) {
            n = ((Digits) other).n;
        }
    }

    private static final OutputConstraint DIGITS = Digits::new;

    private static boolean feed(ByteMatcher m, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (!m.accept(b & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    private final TriggeredConstraint constraint = new TriggeredConstraint("<call>", DIGITS);

    @Test
    void anyTextIsAcceptedAndCompleteBeforeTheTrigger() {
        ByteMatcher m = constraint.start();
        assertThat(feed(m, "Hello <cal> \"{x}\" <c <ca ünïcode")).isTrue();
        assertThat(m.closingCost()).isZero();
    }

    @Test
    void afterTheTriggerOnlyTheInnerConstraintIsAcceptedUntilItIsComplete() {
        ByteMatcher m = constraint.start();
        assertThat(feed(m, "ok <call>")).isTrue();
        assertThat(m.closingCost()).as("an opened call must be closed").isEqualTo(1);
        assertThat(m.copy().accept('x')).isFalse();
        assertThat(feed(m, "42")).isTrue();
        assertThat(m.closingCost()).isZero();
    }

    @Test
    void aTriggerFoundAfterAFalseStartStillTriggers() {
        ByteMatcher m = constraint.start();
        assertThat(feed(m, "<<ca<call>")).isTrue(); // the match restarts inside "<<ca<"
        assertThat(m.closingCost()).isEqualTo(1);
    }

    @Test
    void aCompletedPartGivesWayToFreeTextAndTheTriggerRearms() {
        ByteMatcher m = constraint.start();
        assertThat(feed(m, "<call>123")).isTrue();
        assertThat(m.copy().accept('4')).as("the inner part takes at most 3 digits").isTrue(); // free text again
        assertThat(feed(m, " and then <call>")).isTrue();
        assertThat(m.closingCost()).isEqualTo(1);
        assertThat(m.copy().accept('z')).isFalse();
    }

    @Test
    void copiesAreIndependent() {
        ByteMatcher m = constraint.start();
        feed(m, "<call>");
        ByteMatcher c = m.copy();
        feed(c, "7");
        assertThat(m.closingCost()).isEqualTo(1);
        assertThat(c.closingCost()).isZero();
        m.copyFrom(c);
        assertThat(m.closingCost()).isZero();
        ByteMatcher free = constraint.start();
        m.copyFrom(free);
        assertThat(m.closingCost()).isZero();
        assertThat(m.accept('x')).isTrue();
    }
}
