package dev.sirocco.models.hub;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place on a terminal stream:
 * {@code  42% [########............]  1.23 GiB / 2.90 GiB  35.2 MiB/s  ETA 0:48}. Speed counts only the bytes of this
 * run (a resumed download's earlier bytes are not news); redraws at most five times a second.
 */
public final class ProgressBar implements DownloadProgress {
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private final String label;
    private final long start = System.nanoTime();
    private long lastDraw;
    private long lastDone = -1;
    private long lastTotal;
    private long resumed;

    public ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    @Override
    public void update(long done, long total, long resumedFrom) {
        lastDone = done;
        lastTotal = total;
        resumed = resumedFrom;
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS || (total > 0 && done >= total)) {
            lastDraw = now;
            out.print("\r" + line(done, total, resumedFrom, (now - start) / 1e9));
            out.flush();
        }
    }

    @Override
    public void finished() {
        if (lastDone >= 0) {
            out.print("\r" + line(lastDone, lastTotal, resumed, (System.nanoTime() - start) / 1e9) + "\n");
            out.flush();
        }
    }

    /** The bar for {@code done} of {@code total} bytes after {@code seconds}, {@code resumedFrom} bytes having been there already. */
    String line(long done, long total, long resumedFrom, double seconds) {
        double speed = seconds > 0 ? (done - resumedFrom) / seconds : 0;
        StringBuilder sb = new StringBuilder(label).append(' ');
        if (total > 0) {
            int pct = (int) Math.min(100, done * 100 / total);
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            sb.append(String.format(Locale.ROOT, "%3d%% [", pct)).append("#".repeat(filled))
                    .append(".".repeat(WIDTH - filled)).append("] ")
                    .append(bytes(done)).append(" / ").append(bytes(total));
        } else {
            sb.append(bytes(done));
        }
        sb.append("  ").append(bytes((long) speed)).append("/s");
        if (total > 0 && speed > 0 && done < total) {
            long eta = (long) Math.ceil((total - done) / speed);
            sb.append(String.format(Locale.ROOT, "  ETA %d:%02d", eta / 60, eta % 60));
        }
        return sb.toString();
    }

    /** A byte count for people: "512 B", "4.07 GiB" (binary units). */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }
}
