package dev.sirocco.engine.runtime.sampling;

import java.util.Arrays;

/**
 * Ascending sorts of a long range that never allocate (unlike {@code Arrays.sort(long[])}, which may
 * allocate run and merge buffers): an introsort (quicksort with median-of-three pivots, insertion sort on
 * short ranges, heapsort once recursion goes too deep) in place, and for large ranges an LSD radix sort
 * with caller-owned buffers, several times faster on a full vocabulary.
 */
final class LongSort {

    private static final int INSERTION_SORT_BELOW = 24;
    static final int RADIX = 1 << 16;   // 16-bit digits: four passes over a 64-bit key
    static final int RADIX_FROM = 1 << 14; // below this, clearing the digit counts costs more than it saves

    /**
     * Sorts a[from..to) using {@code buffer} (at least {@code to - from} longs) and {@code counts}
     * ({@link #RADIX} ints) for large ranges, in place otherwise.
     */
    static void sort(long[] a, int from, int to, long[] buffer, int[] counts) {
        if (to - from >= RADIX_FROM) {
            radixSort(a, from, to, buffer, counts);
        } else {
            sort(a, from, to);
        }
    }

    /** LSD radix sort by 16-bit digits, the sign bit flipped in the top digit so signed order comes out. */
    static void radixSort(long[] a, int from, int to, long[] buffer, int[] counts) {
        int n = to - from;
        long[] src = a;
        int srcOff = from;
        long[] dst = buffer;
        int dstOff = 0;
        for (int shift = 0; shift < 64; shift += 16) {
            Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                counts[digit(src[srcOff + i], shift)]++;
            }
            if (n == 0 || counts[digit(src[srcOff], shift)] == n) {
                continue; // every key has this digit: the pass would not move anything
            }
            int position = 0;
            for (int d = 0; d < RADIX; d++) {
                int c = counts[d];
                counts[d] = position;
                position += c;
            }
            for (int i = 0; i < n; i++) {
                long x = src[srcOff + i];
                dst[dstOff + counts[digit(x, shift)]++] = x;
            }
            long[] t = src;
            src = dst;
            dst = t;
            int o = srcOff;
            srcOff = dstOff;
            dstOff = o;
        }
        if (src != a) {
            System.arraycopy(src, srcOff, a, from, n);
        }
    }

    private static int digit(long x, int shift) {
        long v = shift == 48 ? x ^ Long.MIN_VALUE : x;
        return (int) (v >>> shift) & (RADIX - 1);
    }

    private LongSort() {
    }

    /** In-place introsort of a[from..to). */
    static void sort(long[] a, int from, int to) {
        int n = to - from;
        if (n > 1) {
            quicksort(a, from, to - 1, 2 * (32 - Integer.numberOfLeadingZeros(n)));
        }
    }

    /** Sorts a[lo..hi] (inclusive); recurses on the smaller side so the stack stays O(log n). */
    private static void quicksort(long[] a, int lo, int hi, int depthLeft) {
        while (hi - lo + 1 > INSERTION_SORT_BELOW) {
            if (depthLeft-- == 0) {
                heapSort(a, lo, hi + 1);
                return;
            }
            int mid = (lo + hi) >>> 1;
            // median of three to a[mid], then lo <= pivot <= hi act as sentinels
            if (a[mid] < a[lo]) {
                swap(a, mid, lo);
            }
            if (a[hi] < a[lo]) {
                swap(a, hi, lo);
            }
            if (a[hi] < a[mid]) {
                swap(a, hi, mid);
            }
            long pivot = a[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(a, i++, j--);
                }
            }
            // a[lo..j] <= pivot <= a[i..hi]
            if (j - lo < hi - i) {
                quicksort(a, lo, j, depthLeft);
                lo = i;
            } else {
                quicksort(a, i, hi, depthLeft);
                hi = j;
            }
        }
        insertionSort(a, lo, hi);
    }

    private static void insertionSort(long[] a, int lo, int hi) {
        for (int i = lo + 1; i <= hi; i++) {
            long x = a[i];
            int j = i - 1;
            while (j >= lo && a[j] > x) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
    }

    /** Heapsort of a[from..to): max-heap, then repeatedly move the maximum to the end. */
    static void heapSort(long[] a, int from, int to) {
        int n = to - from;
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(a, from, i, n);
        }
        for (int end = n - 1; end > 0; end--) {
            swap(a, from, from + end);
            siftDown(a, from, 0, end);
        }
    }

    /** Restores the max-heap a[base..base+n) below node i. */
    static void siftDown(long[] a, int base, int i, int n) {
        long x = a[base + i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && a[base + child + 1] > a[base + child]) {
                child++;
            }
            if (a[base + child] <= x) {
                break;
            }
            a[base + i] = a[base + child];
            i = child;
        }
        a[base + i] = x;
    }

    private static void swap(long[] a, int i, int j) {
        long t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
