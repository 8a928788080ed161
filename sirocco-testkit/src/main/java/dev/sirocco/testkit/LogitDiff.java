package dev.sirocco.testkit;

/**
 * How far one set of logits lies from a reference (usually llama.cpp's), position by position: the largest
 * absolute difference and where it is, the RMS difference relative to the reference's spread, and how many
 * positions pick a different argmax outside near-ties.
 *
 * @param maxAbs          largest |actual - expected|
 * @param maxPosition     position of {@code maxAbs}
 * @param maxToken        token of {@code maxAbs}
 * @param relativeRms     RMS difference over the RMS of the reference's per-position standard deviation
 * @param argmaxFlips     positions whose argmax differs although the reference's top-2 gap exceeds {@code nearTie}
 * @param nearTieFlips    positions whose argmax differs within a near-tie (allowed: rounding decides those)
 */
public record LogitDiff(double maxAbs, int maxPosition, int maxToken, double relativeRms, int argmaxFlips,
                        int nearTieFlips) {

    /** Compares {@code actual} with {@code expected} ({@code [positions][nVocab]} both); near-tie: top-2 gap <= {@code nearTie}. */
    public static LogitDiff of(float[][] actual, float[][] expected, double nearTie) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException(actual.length + " positions against " + expected.length);
        }
        double maxAbs = 0, sq = 0, var = 0;
        int maxP = -1, maxT = -1, flips = 0, tieFlips = 0;
        for (int p = 0; p < expected.length; p++) {
            float[] a = actual[p], e = expected[p];
            if (a.length != e.length) {
                throw new IllegalArgumentException("position " + p + ": " + a.length + " logits against " + e.length);
            }
            double mean = 0;
            for (float x : e) {
                mean += x;
            }
            mean /= e.length;
            for (int t = 0; t < e.length; t++) {
                double d = Math.abs(a[t] - e[t]);
                if (d > maxAbs || Double.isNaN(d)) {
                    maxAbs = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                    maxP = p;
                    maxT = t;
                }
                sq += d * d;
                var += (e[t] - mean) * (e[t] - mean);
            }
            int ea = argmax(e), aa = argmax(a);
            if (ea != aa) {
                if (topTwoGap(e) <= nearTie) {
                    tieFlips++;
                } else {
                    flips++;
                }
            }
        }
        return new LogitDiff(maxAbs, maxP, maxT, var == 0 ? Math.sqrt(sq) : Math.sqrt(sq / var), flips, tieFlips);
    }

    /** Throws an {@link AssertionError} describing this difference unless it is within both bounds and has no argmax flip. */
    public LogitDiff assertWithin(double maxAbsBound, double relativeRmsBound) {
        if (!(maxAbs <= maxAbsBound) || !(relativeRms <= relativeRmsBound) || argmaxFlips > 0) {
            throw new AssertionError("logits differ beyond bounds (max abs " + maxAbsBound + ", relative RMS "
                    + relativeRmsBound + ", no argmax flip outside near-ties): " + this);
        }
        return this;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static float topTwoGap(float[] v) {
        int best = argmax(v);
        float second = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < v.length; i++) {
            if (i != best && v[i] > second) {
                second = v[i];
            }
        }
        return v[best] - second;
    }

    @Override
    public String toString() {
        return String.format("max abs %.3g at position %d token %d, relative RMS %.3g, %d argmax flips, %d near-tie flips",
                maxAbs, maxPosition, maxToken, relativeRms, argmaxFlips, nearTieFlips);
    }
}
