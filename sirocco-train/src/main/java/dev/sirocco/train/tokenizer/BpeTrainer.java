package dev.sirocco.train.tokenizer;

import dev.sirocco.engine.tokenizer.ByteLevelWords;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns a byte-level BPE vocabulary from text (Sennrich et al. 2016, in GPT-2's byte alphabet): start from the 256
 * bytes, then repeatedly merge the most frequent adjacent pair inside the pre-tokenized words, until the vocabulary
 * has the size asked for or no pair occurs twice. Ties go to the pair whose merged text sorts first, so the result
 * depends on the text alone.
 */
public final class BpeTrainer {
    private final List<String> tokens = new ArrayList<>();
    private final List<String> merges = new ArrayList<>();
    private final Map<String, Integer> idOf = new HashMap<>();

    // The distinct words, as symbol ids, with how often each occurs.
    private int[][] words;
    private int[] lengths;
    private long[] counts;
    private final Map<Long, Long> pairCounts = new HashMap<>();
    private final Map<Long, Set<Integer>> pairWords = new HashMap<>();
    private final PriorityQueue<Candidate> queue = new PriorityQueue<>();

    private record Candidate(long count, String text, long pair) implements Comparable<Candidate> {
        @Override
        public int compareTo(Candidate o) {
            int c = Long.compare(o.count, count);
            return c != 0 ? c : text.compareTo(o.text);
        }
    }

    private BpeTrainer() {
    }

    /**
     * Trains on {@code texts} until there are {@code normalTokens} tokens (bytes plus merges; at least 256). The
     * result holds no special tokens: {@link TrainedVocabulary#withSpecials} adds them.
     */
    public static TrainedVocabulary train(Iterable<String> texts, int normalTokens) {
        if (normalTokens < 256) {
            throw new IllegalArgumentException("a byte-level vocabulary needs at least 256 tokens, got " + normalTokens);
        }
        BpeTrainer t = new BpeTrainer();
        t.count(texts);
        t.mergeUntil(normalTokens);
        return new TrainedVocabulary(List.copyOf(t.tokens), List.copyOf(t.merges), List.of());
    }

    private void count(Iterable<String> texts) {
        for (int b = 0; b < 256; b++) {
            add(String.valueOf(ByteLevelWords.charOf(b)));
        }
        Map<String, Long> wordCounts = new LinkedHashMap<>();
        for (String text : texts) {
            for (String w : ByteLevelWords.of(text)) {
                wordCounts.merge(w, 1L, Long::sum);
            }
        }
        words = new int[wordCounts.size()][];
        lengths = new int[wordCounts.size()];
        counts = new long[wordCounts.size()];
        int i = 0;
        for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
            String w = e.getKey();
            words[i] = new int[w.length()];
            for (int k = 0; k < w.length(); k++) {
                words[i][k] = idOf.get(String.valueOf(w.charAt(k)));
            }
            lengths[i] = w.length();
            counts[i] = e.getValue();
            addPairs(i, +1);
            i++;
        }
        for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
            queue.add(candidate(e.getKey(), e.getValue()));
        }
    }

    private void mergeUntil(int size) {
        while (tokens.size() < size && !queue.isEmpty()) {
            Candidate best = queue.poll();
            Long current = pairCounts.get(best.pair);
            if (current == null || current != best.count) {
                continue; // a stale entry: the pair's count changed after it was queued
            }
            if (best.count < 2) {
                break;
            }
            int left = (int) (best.pair >>> 32);
            int right = (int) best.pair;
            merges.add(tokens.get(left) + " " + tokens.get(right));
            int merged = add(best.text);
            Set<Integer> touched = pairWords.remove(best.pair);
            Set<Long> changed = new HashSet<>();
            for (int w : touched) {
                changed.addAll(pairsOf(w));
                addPairs(w, -1);
                replace(w, left, right, merged);
                addPairs(w, +1);
                changed.addAll(pairsOf(w));
            }
            for (long p : changed) {
                Long c = pairCounts.get(p);
                if (c != null && c > 0) {
                    queue.add(candidate(p, c));
                }
            }
        }
    }

    private Candidate candidate(long pair, long count) {
        return new Candidate(count, tokens.get((int) (pair >>> 32)) + tokens.get((int) pair), pair);
    }

    private int add(String token) {
        int id = tokens.size();
        tokens.add(token);
        idOf.put(token, id);
        return id;
    }

    /** Merges every non-overlapping occurrence of (left, right) in word {@code w}, left to right. */
    private void replace(int w, int left, int right, int merged) {
        int[] s = words[w];
        int out = 0;
        for (int i = 0; i < lengths[w]; i++) {
            if (i + 1 < lengths[w] && s[i] == left && s[i + 1] == right) {
                s[out++] = merged;
                i++;
            } else {
                s[out++] = s[i];
            }
        }
        lengths[w] = out;
    }

    private List<Long> pairsOf(int w) {
        List<Long> out = new ArrayList<>(lengths[w]);
        for (int i = 0; i + 1 < lengths[w]; i++) {
            out.add(pair(words[w][i], words[w][i + 1]));
        }
        return out;
    }

    private void addPairs(int w, int sign) {
        for (int i = 0; i + 1 < lengths[w]; i++) {
            long p = pair(words[w][i], words[w][i + 1]);
            long c = pairCounts.getOrDefault(p, 0L) + sign * counts[w];
            if (c == 0) {
                pairCounts.remove(p);
            } else {
                pairCounts.put(p, c);
            }
            if (sign > 0) {
                pairWords.computeIfAbsent(p, k -> new HashSet<>()).add(w);
            }
        }
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }
}
