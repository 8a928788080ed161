package dev.sirocco.train.schedule;

/**
 * Learning rate with linear warmup then cosine decay (Loshchilov and Hutter, SGDR, 2017; as in most LLM recipes):
 * step s of {@code total} (from 0) gets {@code peak * (s+1)/warmup} during warmup, then
 * {@code min + (peak - min) * (1 + cos(pi * progress)) / 2} with {@code progress = (s - warmup) / (total - warmup)},
 * so the last step still learns a little (as transformers' get_cosine_schedule_with_warmup).
 */
public record CosineSchedule(double peak, double min, int warmup, int total) {

    public CosineSchedule {
        if (total < 1 || warmup < 0 || warmup > total || peak <= 0 || min < 0 || min > peak) {
            throw new IllegalArgumentException("schedule: peak " + peak + ", min " + min + ", warmup " + warmup + " of " + total + " steps");
        }
    }

    public double at(int step) {
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        double progress = (double) (step - warmup) / (total - warmup);
        return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    }
}
