package dev.sirocco.train.optim;

import dev.sirocco.train.autograd.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * Every parameter's elements cut into ranges of at most {@link #SIZE}, the tasks the optimizer and the clipping
 * spread over threads. The cut depends on the parameters alone, never on the thread count, so a sum taken per chunk
 * and added in chunk order is the same on any machine.
 */
record Chunks(int[] param, int[] from, int[] to) {
    static final int SIZE = 1 << 15;

    static Chunks of(List<Parameter> params) {
        List<int[]> cut = new ArrayList<>();
        for (int p = 0; p < params.size(); p++) {
            int n = params.get(p).value.length;
            for (int f = 0; f < n; f += SIZE) {
                cut.add(new int[]{p, f, Math.min(n, f + SIZE)});
            }
        }
        int[] param = new int[cut.size()];
        int[] from = new int[cut.size()];
        int[] to = new int[cut.size()];
        for (int i = 0; i < cut.size(); i++) {
            param[i] = cut.get(i)[0];
            from[i] = cut.get(i)[1];
            to[i] = cut.get(i)[2];
        }
        return new Chunks(param, from, to);
    }

    int count() {
        return param.length;
    }
}
