package dev.sirocco.evals.run;

/**
 * The statistics behind "stochastic honesty": Wilson score intervals for pass rates (well-behaved at 0/n and
 * n/n, unlike the normal approximation) and Fisher's exact test for comparing two pass counts (exact for the
 * small counts eval repeats give).
 */
public final class Stats {
    /** The 97.5th percentile of the standard normal: a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;

    private Stats() {
    }

    /** Wilson score interval {low, high} for {@code k} passes out of {@code n}; {0, 1} when n is 0. */
    public static double[] wilson(int k, int n, double z) {
        if (n == 0) {
            return new double[]{0, 1};
        }
        double p = (double) k / n;
        double z2 = z * z;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denom;
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
        return new double[]{Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    /**
     * Two-sided p-value of Fisher's exact test on the 2x2 table [[a, b], [c, d]] (rows: runs, columns: pass/fail):
     * the probability, under equal pass rates, of a table at most as likely as the one seen.
     */
    public static double fisherTwoSided(int a, int b, int c, int d) {
        int row1 = a + b;
        int col1 = a + c;
        int n = a + b + c + d;
        int lo = Math.max(0, col1 - (n - row1));
        int hi = Math.min(row1, col1);
        double observed = logHypergeometric(a, row1, col1, n);
        double p = 0;
        for (int x = lo; x <= hi; x++) {
            double lp = logHypergeometric(x, row1, col1, n);
            if (lp <= observed + 1e-9) { // relative tolerance for ties, as R's fisher.test
                p += Math.exp(lp);
            }
        }
        return Math.min(1, p);
    }

    private static double logHypergeometric(int x, int row1, int col1, int n) {
        return logChoose(row1, x) + logChoose(n - row1, col1 - x) - logChoose(n, col1);
    }

    private static double logChoose(int n, int k) {
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    private static double logFactorial(int n) {
        double s = 0;
        for (int i = 2; i <= n; i++) {
            s += Math.log(i);
        }
        return s;
    }
}
