package dev.sirocco.engine.runtime.sampling;

/**
 * In-place ascending sort of a long range that never allocates (unlike {@code Arrays.sort(long[])}, which
 * may allocate run and merge buffers): quicksort with median-of-three pivots, insertion sort on short
 * ranges, and heapsort once recursion goes too deep (introsort), so the worst case stays O(n log n).
 */
final class LongSort {

    private static final int INSERTION_SORT_BELOW = 24;

    private LongSort() {
    }

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
