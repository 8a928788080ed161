package dev.sirocco.engine.runtime.constraint;

import dev.sirocco.engine.runtime.sampling.Candidates;
import dev.sirocco.engine.runtime.sampling.LogitProcessor;
import dev.sirocco.engine.runtime.sampling.TokenHistory;
import dev.sirocco.engine.tokenizer.Tokenizer;

import java.util.BitSet;

/**
 * One sequence's constraint as a logit processor: {@link #prepare} walks the token trie from the matcher's state and
 * marks the tokens that keep the output valid and closable within the remaining budget; {@link #process} keeps only
 * those candidates; {@link #accept} advances the matcher by the chosen token's bytes. End-of-generation tokens are
 * allowed only when the output is complete.
 *
 * <p>Budget: a token is allowed only if, after it, the output can still be closed in the tokens left (each closing
 * byte is at most one token). If even that leaves no token (the budget was too small from the start) the structure
 * alone is enforced and the output is cut at the limit, as an unconstrained one would be.
 */
public final class DecodingConstraint implements LogitProcessor {
    private final TokenIndex index;
    private final Tokenizer tokenizer;
    private final OutputConstraint constraint;
    private final ByteMatcher matcher;
    private final ByteMatcher[] walk; // walk[d]: the state after a trie node's first d bytes
    private final ByteMatcher probe;
    private final BitSet allowed;
    private final BitSet structural;
    private final int[] endTokens;
    private final int vocab;
    private boolean complete;

    /** @param vocab the logits' length (the model's vocabulary, possibly longer than the tokenizer's) */
    public DecodingConstraint(Tokenizer tokenizer, int vocab, OutputConstraint constraint) {
        this.tokenizer = tokenizer;
        this.index = TokenIndex.of(tokenizer);
        this.vocab = vocab;
        this.constraint = constraint;
        this.matcher = constraint.start();
        this.walk = new ByteMatcher[index.all.maxDepth() + 1];
        for (int d = 0; d < walk.length; d++) {
            walk[d] = matcher.copy();
        }
        this.probe = matcher.copy();
        this.allowed = new BitSet(vocab);
        this.structural = new BitSet(vocab);
        this.endTokens = tokenizer.specialTokens().endOfGeneration().stream().mapToInt(Integer::intValue)
                .filter(t -> t >= 0 && t < vocab).sorted().toArray();
        this.complete = matcher.closingCost() == 0;
    }

    /**
     * Marks the tokens allowed next, with {@code remaining} tokens of the budget left (this one included), and returns
     * how many there are; 0 means the output cannot go on (complete with no end token, or no token fits).
     */
    public int prepare(int remaining) {
        allowed.clear();
        structural.clear();
        int left = remaining - 1; // tokens left after this one
        int plain = matcher.plainTextLimit();
        if (plain >= 0) {
            markPlain(plain, left);
        }
        walk(plain >= 0 ? index.notPlain : index.all, left);
        for (int t : endTokens) { // an end token that prints text (user-defined) still ends generation: only when complete
            allowed.clear(t);
            structural.clear(t);
        }
        if (allowed.isEmpty() && !complete) {
            allowed.or(structural); // the budget cannot close it: keep the structure, the limit will cut it
        }
        if (complete) {
            for (int t : endTokens) {
                allowed.set(t);
            }
        }
        return allowed.cardinality();
    }

    /** Plain-text tokens of at most {@code limit} characters, in ascending count: the cost check runs once per count. */
    private void markPlain(int limit, int left) {
        int[] ids = index.plainIds;
        int[] chars = index.plainChars;
        int count = -1;
        boolean fits = false;
        for (int k = 0; k < ids.length && chars[k] <= limit; k++) {
            if (chars[k] != count) {
                count = chars[k];
                fits = matcher.closingCostAfterPlainText(count) <= left;
            }
            int t = ids[k];
            if (t < vocab) {
                structural.set(t);
                if (fits) {
                    allowed.set(t);
                }
            }
        }
    }

    private void walk(TokenTrie trie, int left) {
        walk[0].copyFrom(matcher);
        int n = trie.size();
        for (int i = 0; i < n; ) {
            int d = trie.depth(i);
            ByteMatcher m = walk[d];
            m.copyFrom(walk[d - 1]);
            if (!m.accept(trie.label(i))) {
                i = trie.subtreeEnd(i);
                continue;
            }
            int first = trie.firstToken(i);
            int end = trie.endToken(i);
            if (first < end) {
                boolean fits = m.closingCost() <= left;
                for (int k = first; k < end; k++) {
                    int t = trie.token(k);
                    if (t < vocab) {
                        structural.set(t);
                        if (fits) {
                            allowed.set(t);
                        }
                    }
                }
            }
            i++;
        }
    }

    public boolean isAllowed(int token) {
        return allowed.get(token);
    }

    @Override
    public void process(Candidates candidates, TokenHistory history) {
        candidates.retainAllowed(allowed);
    }

    @Override
    public void accept(int token) {
        if (tokenizer.isEndOfGeneration(token)) {
            return;
        }
        for (byte b : tokenizer.tokenBytes(token, false)) {
            if (!matcher.accept(b & 0xFF)) {
                throw new IllegalStateException("token " + token + " does not continue the constrained output");
            }
        }
        complete = matcher.closingCost() == 0;
    }

    @Override
    public void reset() {
        matcher.copyFrom(constraint.start());
        complete = matcher.closingCost() == 0;
        allowed.clear();
        structural.clear();
    }

    /** Whether the output so far is a whole valid one. */
    public boolean complete() {
        return complete;
    }

    /** Whether the output is complete and no byte can follow it: generation ends here. */
    public boolean finished() {
        if (!complete) {
            return false;
        }
        for (int b = 0; b < 256; b++) {
            probe.copyFrom(matcher);
            if (probe.accept(b)) {
                return false;
            }
        }
        return true;
    }

    /** The fewest tokens that close the output validly (an upper bound: one per byte of the shortest closing). */
    public int minTokensToClose() {
        return matcher.closingCost();
    }
}
