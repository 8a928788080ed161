package dev.sirocco.evals.report;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class WordDiffTest {
    @Test
    void changedWordsAreMarkedAndTheRestKept() {
        assertThat(WordDiff.html("the cat sat", "the dog sat")).isEqualTo("the <del>cat</del><ins>dog</ins> sat");
        assertThat(WordDiff.html("a b", "a b c")).isEqualTo("a b<ins> c</ins>");
        assertThat(WordDiff.html("x <y>", "x")).isEqualTo("x<del> &lt;y&gt;</del>");
    }

    @Test
    void removingTheMarkupGivesBackEitherText() {
        Random rnd = new Random(3);
        String[] vocab = {"alpha", "beta", "gamma", "delta", " ", "  ", "\n"};
        for (int t = 0; t < 200; t++) {
            String a = randomText(rnd, vocab);
            String b = randomText(rnd, vocab);
            String html = WordDiff.html(a, b);
            String before = html.replaceAll("(?s)<ins>.*?</ins>", "").replaceAll("</?del>", "");
            String after = html.replaceAll("(?s)<del>.*?</del>", "").replaceAll("</?ins>", "");
            assertThat(before).as(a + " -> " + b).isEqualTo(a);
            assertThat(after).as(a + " -> " + b).isEqualTo(b);
        }
    }

    private static String randomText(Random rnd, String[] vocab) {
        StringBuilder s = new StringBuilder();
        int n = rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            s.append(vocab[rnd.nextInt(vocab.length)]);
        }
        return s.toString();
    }
}
