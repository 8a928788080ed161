package dev.sirocco.engine.runtime.constraint;

import dev.sirocco.engine.runtime.sampling.Sampler;
import dev.sirocco.engine.runtime.sampling.SamplingParams;
import dev.sirocco.engine.tokenizer.Tokenizer;
import dev.sirocco.engine.tokenizer.Vocabulary;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The token mask from the trie walk equals a brute-force scan of the vocabulary, and sampling under it stays valid. */
class DecodingConstraintTest {
    private static final String[] PIECES = {"a", "b", "c", "ab", "abc", "ba", "bb", "cab", "{", "}", "{a", "a}", "▁", "▁a",
        "aaa", "é", "ab▁", "ab"};
    private static final int EOS = 2;
    private static final int CONTROL = 3 + 256;
    private static final int END_TURN = CONTROL + 1 + PIECES.length;

    /** An SPM vocabulary: 0 unk, 1 bos, 2 eos, 256 byte tokens, one control token, then the pieces (one twice). */
    static Tokenizer tokenizer() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(Vocabulary.TYPE_UNKNOWN, Vocabulary.TYPE_CONTROL, Vocabulary.TYPE_CONTROL));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(Vocabulary.TYPE_BYTE);
        }
        tokens.add("<|ctl|>");
        types.add(Vocabulary.TYPE_CONTROL);
        for (String p : PIECES) {
            tokens.add(p);
            types.add(Vocabulary.TYPE_NORMAL);
        }
        tokens.add("<turn_done>"); // an end-of-turn token that prints its text
        types.add(Vocabulary.TYPE_USER_DEFINED);
        return Tokenizer.create(Vocabulary.builder("llama", "default", tokens.toArray(String[]::new))
                .scores(new float[tokens.size()]).tokenTypes(types.stream().mapToInt(Integer::intValue).toArray())
                .bos(1).eos(EOS).eot(END_TURN).unk(0).build());
    }

    /** Accepts exactly the byte strings of a set: a stand-in for a grammar. */
    static final class OneOf implements ByteMatcher {
        final List<byte[]> words;
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        OneOf(List<byte[]> words) {
            this.words = words;
        }

        static OutputConstraint of(String... words) {
            List<byte[]> bytes = Arrays.stream(words).map(w -> w.getBytes(StandardCharsets.UTF_8)).toList();
            return () -> new OneOf(bytes);
        }

        private boolean extends_(byte[] w, byte[] now) {
            return w.length >= now.length && Arrays.equals(w, 0, now.length, now, 0, now.length);
        }

        @Override
        public boolean accept(int b) {
            seen.write(b);
            byte[] now = seen.toByteArray();
            return words.stream().anyMatch(w -> extends_(w, now));
        }

        @Override
        public int closingCost() {
            byte[] now = seen.toByteArray();
            return words.stream().filter(w -> extends_(w, now)).mapToInt(w -> w.length - now.length).min().orElse(UNREACHABLE);
        }

        @Override
        public ByteMatcher copy() {
            OneOf o = new OneOf(words);
            o.copyFrom(this);
            return o;
        }

        @Override
        public void copyFrom(ByteMatcher other) {
            seen.reset();
            seen.writeBytes(((OneOf) other).seen.toByteArray());
        }
    }

    /** The allowed set by definition: every token whose bytes all go in, closable in the budget; end tokens when complete. */
    private static BitSet bruteForce(Tokenizer t, ByteMatcher state, int remaining) {
        BitSet allowed = new BitSet();
        BitSet structural = new BitSet();
        for (int id = 0; id < t.vocabulary().size(); id++) {
            byte[] b = t.tokenBytes(id, false);
            if (b.length == 0) {
                continue;
            }
            ByteMatcher m = state.copy();
            boolean ok = true;
            for (byte x : b) {
                ok = ok && m.accept(x & 0xFF);
            }
            if (ok) {
                structural.set(id);
                if (m.closingCost() <= remaining - 1) {
                    allowed.set(id);
                }
            }
        }
        allowed.clear(END_TURN);
        structural.clear(END_TURN);
        if (allowed.isEmpty() && state.closingCost() != 0) {
            allowed.or(structural);
        }
        if (state.closingCost() == 0) {
            allowed.set(EOS);
            allowed.set(END_TURN);
        }
        return allowed;
    }

    @Test
    void trieWalkEqualsABruteForceScanAtEveryStepAndBudget() {
        Tokenizer t = tokenizer();
        OutputConstraint c = OneOf.of("{ab}", "{abc▁a}", "é{a}", "bbba", "{a", "a<turn_done>b");
        SplittableRandom random = new SplittableRandom(3);
        for (int run = 0; run < 40; run++) {
            DecodingConstraint d = new DecodingConstraint(t, t.vocabulary().size(), c);
            ByteMatcher shadow = c.start();
            for (int step = 0; step < 10; step++) {
                int remaining = 1 + random.nextInt(8);
                int n = d.prepare(remaining);
                BitSet expected = bruteForce(t, shadow, remaining);
                BitSet actual = new BitSet();
                for (int id = 0; id < t.vocabulary().size(); id++) {
                    if (d.isAllowed(id)) {
                        actual.set(id);
                    }
                }
                assertThat(actual).as("run %d step %d budget %d", run, step, remaining).isEqualTo(expected);
                assertThat(n).isEqualTo(expected.cardinality());
                assertThat(actual.get(CONTROL)).as("control tokens never").isFalse();
                assertThat(actual.get(END_TURN)).as("end tokens only when complete").isEqualTo(shadow.closingCost() == 0);
                List<Integer> choices = actual.stream().filter(x -> x != EOS && x != END_TURN).boxed().toList();
                if (choices.isEmpty()) {
                    break;
                }
                int token = choices.get(random.nextInt(choices.size()));
                d.accept(token);
                for (byte x : t.tokenBytes(token, false)) {
                    shadow.accept(x & 0xFF);
                }
                assertThat(d.complete()).isEqualTo(shadow.closingCost() == 0);
            }
        }
    }

    @Test
    void samplingUnderTheConstraintEndsInACompleteOutputWithinTheBudget() {
        Tokenizer t = tokenizer();
        String[] words = {"{abc▁a}", "bbba", "é{a}"};
        OutputConstraint c = OneOf.of(words);
        int vocab = t.vocabulary().size();
        SplittableRandom random = new SplittableRandom(11);
        for (int run = 0; run < 30; run++) {
            DecodingConstraint d = new DecodingConstraint(t, vocab, c);
            int budget = d.minTokensToClose() + random.nextInt(3);
            Sampler sampler = new Sampler(SamplingParams.greedy().withTemperature(1f).withSeed(run), vocab, List.of(d));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int used = 0;
            while (used < budget && !d.finished()) {
                assertThat(d.prepare(budget - used)).isPositive();
                float[] logits = new float[vocab];
                for (int i = 0; i < vocab; i++) {
                    logits[i] = (float) random.nextGaussian() * 3;
                }
                logits[CONTROL] = 50f; // the model's favourite, but never allowed
                int token = sampler.sample(logits);
                assertThat(token).isNotEqualTo(CONTROL);
                if (token == EOS) {
                    assertThat(d.complete()).isTrue();
                    break;
                }
                sampler.accept(token);
                out.writeBytes(t.tokenBytes(token, false));
                used++;
            }
            assertThat(d.complete()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
            assertThat(List.of(words)).contains(out.toString(StandardCharsets.UTF_8));
            sampler.reset(); // a new sequence: the constraint starts over
            assertThat(d.complete()).isFalse();
            assertThat(d.minTokensToClose()).isEqualTo("bbba".length());
        }
    }

    @Test
    void trieHoldsEveryPrintingTokenOnceAndSkipsSubtrees() {
        Tokenizer t = tokenizer();
        TokenTrie trie = TokenIndex.of(t).trie();
        BitSet seen = new BitSet();
        for (int i = 0; i < trie.size(); i++) {
            assertThat(trie.subtreeEnd(i)).isGreaterThan(i);
            for (int k = trie.firstToken(i); k < trie.endToken(i); k++) {
                assertThat(seen.get(trie.token(k))).isFalse();
                seen.set(trie.token(k));
                assertThat(t.tokenBytes(trie.token(k), false)).hasSize(trie.depth(i));
            }
        }
        // 256 byte tokens, every piece and the printing end token; unk, bos, eos and the control token print nothing
        assertThat(seen.cardinality()).isEqualTo(256 + PIECES.length + 1);
        assertThat(seen.get(CONTROL)).isFalse();
        assertThat(t.isEndOfGeneration(END_TURN)).as("the printing end token is one").isTrue();
    }
}
