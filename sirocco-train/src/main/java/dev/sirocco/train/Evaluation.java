package dev.sirocco.train;

import dev.sirocco.train.data.Example;
import dev.sirocco.train.model.TrainingModel;

import java.util.List;

/** Held-out loss: the mean cross-entropy over every trained token of the examples (truncated to {@code seqLen}). */
public final class Evaluation {
    private Evaluation() {
    }

    public static double meanLoss(TrainingModel model, List<Example> examples, int seqLen) {
        double total = 0;
        double weight = 0;
        for (Example e : examples) {
            Example t = e.forSeqLen(seqLen);
            double w = t.trainedWeight();
            if (w == 0) {
                continue;
            }
            // normalizer 1: the loss is the weighted sum, averaged over all examples' weights below
            total += model.loss(model.newTape(), t.tokens(), t.weights(), 1).value[0];
            weight += w;
        }
        if (weight == 0) {
            throw new IllegalArgumentException("no validation example has a trained token within " + seqLen + " tokens");
        }
        return total / weight;
    }
}
