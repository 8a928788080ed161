package dev.sirocco.evals.run;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Reference values from textbooks (Agresti; Fisher's tea tasting) and closed forms. */
class StatsTest {
    @Test
    void wilsonIntervalMatchesPublishedValues() {
        double[] ci = Stats.wilson(8, 10, Stats.Z95);
        assertThat(ci[0]).isCloseTo(0.4902, within(1e-4));
        assertThat(ci[1]).isCloseTo(0.9433, within(1e-4));
        // 0/n has a closed form: [0, z^2 / (n + z^2)]
        double z2 = Stats.Z95 * Stats.Z95;
        double[] none = Stats.wilson(0, 20, Stats.Z95);
        assertThat(none[0]).isZero();
        assertThat(none[1]).isCloseTo(z2 / (20 + z2), within(1e-12));
        double[] all = Stats.wilson(20, 20, Stats.Z95);
        assertThat(all[0]).isCloseTo(20 / (20 + z2), within(1e-12));
    }

    @Test
    void wilsonIntervalCoversTheTrueRateAboutNinetyFivePercentOfTheTime() {
        Random rnd = new Random(42);
        int covered = 0;
        int trials = 4000;
        for (int t = 0; t < trials; t++) {
            int k = 0;
            for (int i = 0; i < 40; i++) {
                k += rnd.nextDouble() < 0.7 ? 1 : 0;
            }
            double[] ci = Stats.wilson(k, 40, Stats.Z95);
            covered += ci[0] <= 0.7 && 0.7 <= ci[1] ? 1 : 0;
        }
        assertThat(covered / (double) trials).isBetween(0.93, 0.97);
    }

    @Test
    void fisherExactMatchesTheTeaTastingExampleAndClosedForms() {
        assertThat(Stats.fisherTwoSided(3, 1, 1, 3)).isCloseTo(0.4857, within(1e-4));
        // the most extreme 10/10 vs 0/10 table: both tails are 1 / C(20, 10)
        assertThat(Stats.fisherTwoSided(10, 0, 0, 10)).isCloseTo(2.0 / 184756, within(1e-12));
        assertThat(Stats.fisherTwoSided(5, 5, 5, 5)).isCloseTo(1.0, within(1e-12));
        assertThat(Stats.fisherTwoSided(1, 0, 0, 1)).isCloseTo(1.0, within(1e-12)); // one run each is never significant
    }
}
