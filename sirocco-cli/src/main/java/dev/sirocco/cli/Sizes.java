package dev.sirocco.cli;

import java.util.Locale;

/** Human-readable byte and parameter counts for command output ("4.07 GiB", "7.25B"). */
final class Sizes {
    private Sizes() {
    }

    static String bytes(long n) {
        return dev.sirocco.models.hub.ProgressBar.bytes(n);
    }

    static String count(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2fM", n / 1e6);
        }
        if (n >= 1_000L) {
            return String.format(Locale.ROOT, "%.1fK", n / 1e3);
        }
        return Long.toString(n);
    }
}
