package dev.sirocco.engine.runtime.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LongSortTest {

    private static long[] input(int n, int shape, Random random) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = switch (shape) {
                case 0 -> random.nextLong();        // random
                case 1 -> i;                        // ascending
                case 2 -> n - i;                    // descending
                case 3 -> random.nextInt(3);        // many duplicates
                default -> (i % 2 == 0) ? i : -i;   // sawtooth
            };
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 23, 24, 25, 100, 1000, 4097, 20_000})
    void sortsLikeArraysSortForEveryShape(int n) {
        Random random = new Random(n);
        for (int shape = 0; shape < 5; shape++) {
            long[] a = input(n, shape, random);
            long[] expected = a.clone();
            Arrays.sort(expected);
            long[] viaQuick = a.clone();
            LongSort.sort(viaQuick, 0, n);
            assertThat(viaQuick).as("quicksort, shape %d", shape).isEqualTo(expected);
            long[] viaHeap = a.clone();
            LongSort.heapSort(viaHeap, 0, n);
            assertThat(viaHeap).as("heapsort, shape %d", shape).isEqualTo(expected);
            long[] viaRadix = a.clone();
            LongSort.radixSort(viaRadix, 0, n, new long[n], new int[LongSort.RADIX]);
            assertThat(viaRadix).as("radix sort, shape %d", shape).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 40, 1000, 20_000})
    void sortsOnlyTheGivenRange(int n) {
        Random random = new Random(n);
        long[] a = input(n + 6, 0, random);
        long[] expected = a.clone();
        Arrays.sort(expected, 3, n + 3);
        long[] b = a.clone();
        LongSort.sort(a, 3, n + 3);
        assertThat(a).isEqualTo(expected);
        LongSort.sort(b, 3, n + 3, new long[n], new int[LongSort.RADIX]); // radix from 16384 on
        assertThat(b).isEqualTo(expected);
    }
}
