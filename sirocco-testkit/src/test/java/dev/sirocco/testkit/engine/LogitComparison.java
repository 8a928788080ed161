package dev.sirocco.testkit.engine;

/** How two logit vectors differ: largest absolute difference relative to the largest |logit|, cosine, argmaxes. */
record LogitComparison(double relativeMaxDiff, double cosine, int expectedArgmax, int actualArgmax) {

    static LogitComparison of(float[] expected, float[] actual) {
        double maxAbs = 0, maxDiff = 0, dot = 0, ne = 0, na = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
            dot += (double) expected[i] * actual[i];
            ne += (double) expected[i] * expected[i];
            na += (double) actual[i] * actual[i];
        }
        return new LogitComparison(maxDiff / maxAbs, dot / Math.sqrt(ne * na), argmax(expected), argmax(actual));
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
}
