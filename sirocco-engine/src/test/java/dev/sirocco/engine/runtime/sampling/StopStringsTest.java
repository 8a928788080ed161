package dev.sirocco.engine.runtime.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StopStringsTest {

    private static List<String> emitted(StopStrings s, String... chunks) {
        List<String> out = new ArrayList<>();
        for (String chunk : chunks) {
            out.add(s.feed(chunk).text());
        }
        return out;
    }

    @Test
    void stopStringSplitAcrossChunksIsHeldBackThenDropped() {
        StopStrings s = new StopStrings(List.of("</s>"));
        assertThat(emitted(s, "Hello <", "/", "s> more")).containsExactly("Hello ", "", "");
        assertThat(s.stopped()).isTrue();
        assertThat(s.matched()).isEqualTo("</s>");
        assertThat(s.flush()).isEmpty();
    }

    @Test
    void heldBackTextIsReleasedOnceItCannotStartAStop() {
        StopStrings s = new StopStrings(List.of("</s>"));
        assertThat(emitted(s, "a <", "/", "b")).containsExactly("a ", "", "</b");
        assertThat(s.stopped()).isFalse();
    }

    @Test
    void flushReleasesWhatWasHeldAtTheEnd() {
        StopStrings s = new StopStrings(List.of("</s>"));
        assertThat(s.feed("x</").text()).isEqualTo("x");
        assertThat(s.flush()).isEqualTo("</");
    }

    @Test
    void stopAtTheVeryStartEmitsNothing() {
        StopStrings s = new StopStrings(List.of("Hi"));
        StopStrings.Step step = s.feed("Hi there");
        assertThat(step.text()).isEmpty();
        assertThat(step.stopped()).isTrue();
        assertThat(step.stop()).isEqualTo("Hi");
    }

    @Test
    void chunksAfterAStopReleaseNothing() {
        StopStrings s = new StopStrings(List.of("\n"));
        assertThat(s.feed("one\ntwo").text()).isEqualTo("one");
        StopStrings.Step later = s.feed("three");
        assertThat(later.text()).isEmpty();
        assertThat(later.stopped()).isTrue();
    }

    @Test
    void overlappingStopsEndAtTheFirstCompletedOne() {
        // "abc" completes (at 4) before "bcd" would (at 5)
        StopStrings s = new StopStrings(List.of("bcd", "abc"));
        assertThat(s.feed("xabcd").text()).isEqualTo("x");
        assertThat(s.matched()).isEqualTo("abc");

        // "bc" completes at 3, before "abcd" at 4, although "abcd" starts earlier
        StopStrings t = new StopStrings(List.of("abcd", "bc"));
        assertThat(t.feed("abcd").text()).isEqualTo("a");
        assertThat(t.matched()).isEqualTo("bc");

        // completed at the same point: the one that starts earlier cuts more
        StopStrings u = new StopStrings(List.of("bc", "abc"));
        assertThat(u.feed("xabc").text()).isEqualTo("x");
        assertThat(u.matched()).isEqualTo("abc");
    }

    @Test
    void aPrefixOfOneStopThatContinuesIntoAnotherIsCaught() {
        // "ab" is held as a possible start of "abc", then "abd"... -> "bd" is the other stop
        StopStrings s = new StopStrings(List.of("abc", "bd"));
        assertThat(emitted(s, "zab", "d")).containsExactly("z", "a");
        assertThat(s.matched()).isEqualTo("bd");
    }

    @Test
    void emptyStopStringsAreRejectedAndNoStopsPassEverything() {
        assertThatThrownBy(() -> new StopStrings(List.of("ok", ""))).isInstanceOf(IllegalArgumentException.class);
        StopStrings none = new StopStrings(List.of());
        assertThat(emitted(none, "any", " text")).containsExactly("any", " text");
    }

    static Stream<Long> seeds() {
        return Stream.iterate(1L, x -> x + 1).limit(200);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void anyChunkingGivesWhatAWholeTextSearchGives(long seed) {
        Random random = new Random(seed);
        String text = randomString(random, 1 + random.nextInt(40));
        List<String> stops = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            stops.add(randomString(random, 1 + random.nextInt(4)));
        }

        // reference over the whole text: the stop completed first, ties to the longest (earliest start)
        int bestEnd = Integer.MAX_VALUE;
        String best = null;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0) {
                int end = at + stop.length();
                if (end < bestEnd || (end == bestEnd && stop.length() > best.length())) {
                    bestEnd = end;
                    best = stop;
                }
            }
        }
        String expected = best == null ? text : text.substring(0, bestEnd - best.length());

        StopStrings s = new StopStrings(stops);
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (pos < text.length()) {
            int next = Math.min(text.length(), pos + 1 + random.nextInt(5));
            StopStrings.Step step = s.feed(text.substring(pos, next));
            out.append(step.text());
            pos = next;
        }
        if (!s.stopped()) {
            out.append(s.flush());
        }
        assertThat(out.toString()).as("text %s stops %s", text, stops).isEqualTo(expected);
        assertThat(s.matched()).isEqualTo(best);
    }

    private static String randomString(Random random, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append((char) ('a' + random.nextInt(3)));
        }
        return b.toString();
    }
}
