package dev.sirocco.engine.model;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRA adapters that apply to chosen sequences only (a request's fine-tuned model), as opposed to adapters loaded
 * into the weights for every sequence: a {@link Batch} segment carries its set, so sequences with different
 * adapters (or none) share one forward pass, the base weights read once for all of them.
 */
public final class AdapterSet {
    private final Map<Linear, List<LoraDelta>> deltas = new IdentityHashMap<>(); // by the base projection
    private final int maxRank;

    /** The updates of {@code adapters} (each at its scale) to the projections of {@code base}, checked as --lora checks them. */
    public AdapterSet(ModelWeights base, ModelConfig config, List<LoraAdapter> adapters, List<Float> scales) {
        if (adapters.size() != scales.size()) {
            throw new IllegalArgumentException(adapters.size() + " adapters but " + scales.size() + " scales");
        }
        ModelWeights adapted = base;
        for (int i = 0; i < adapters.size(); i++) {
            adapted = adapted.withLora(adapters.get(i), scales.get(i), config);
        }
        int rank = 0;
        for (int l = 0; l < base.layers().size(); l++) {
            for (String p : PROJECTIONS) {
                Linear before = base.layers().get(l).projection(p);
                Linear after = adapted.layers().get(l).projection(p);
                if (before == null || after.lora().size() == before.lora().size()) {
                    continue;
                }
                List<LoraDelta> added = new ArrayList<>(after.lora().subList(before.lora().size(), after.lora().size()));
                deltas.put(before, List.copyOf(added));
                for (LoraDelta d : added) {
                    rank = Math.max(rank, d.rank());
                }
            }
        }
        this.maxRank = rank;
    }

    static final String[] PROJECTIONS = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};

    /** The updates this set adds to {@code projection} (a projection of the base weights), empty when none. */
    public List<LoraDelta> deltas(Linear projection) {
        return deltas.getOrDefault(projection, List.of());
    }

    /** Bytes the adapters' factors take (copied off their files): what serving them adds to the base's memory. */
    public long bytes() {
        long n = 0;
        for (List<LoraDelta> ds : deltas.values()) {
            for (LoraDelta d : ds) {
                n += d.a().data().byteSize() + d.b().data().byteSize();
            }
        }
        return n;
    }

    /** The largest rank among the updates (sizes the forward pass's scratch). */
    public int maxRank() {
        return maxRank;
    }
}
