package dev.sirocco.testkit;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless and cut off from the network, for tests that must see a page as a browser renders it
 * (scripts run, nothing fetched from outside). {@code bin/test} installs it; without it, browser tests fail saying
 * how to get it, unless {@code SIROCCO_SKIP_BROWSER_TESTS=1} asks to skip them.
 */
public final class HeadlessChromium {
    /** Set to 1 to skip browser tests on a machine without Chromium (they fail otherwise). */
    public static final String SKIP_ENV = "SIROCCO_SKIP_BROWSER_TESTS";
    /** The executable, when not on PATH as chromium or chromium-browser. */
    public static final String EXECUTABLE_ENV = "CHROMIUM";

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** Whether the environment asks to skip browser tests. */
    public static boolean skipRequested() {
        return "1".equals(System.getenv(SKIP_ENV));
    }

    /** The Chromium executable: {@code $CHROMIUM}, else chromium or chromium-browser on PATH. */
    public static Optional<Path> find() {
        String env = System.getenv(EXECUTABLE_ENV);
        if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Chromium, or an error saying how to install it (or how to skip browser tests). */
    public static HeadlessChromium require() {
        return new HeadlessChromium(find().orElseThrow(() -> new IllegalStateException(
                "browser tests need Chromium: install it (apt-get install chromium; bin/test does this when run as root)"
                        + " or point " + EXECUTABLE_ENV + " at it; " + SKIP_ENV + "=1 skips these tests")));
    }

    /** The executable this runs (for tools that launch it themselves, such as Playwright). */
    public Path executable() {
        return executable;
    }

    /** The page's DOM after its scripts ran, as Chromium serializes it. */
    public String dumpDom(URI page) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", page.toString()));
    }

    /** A PNG of the page at the given window size. */
    public void screenshot(URI page, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", page.toString()));
        if (!Files.isRegularFile(png)) {
            throw new IOException("Chromium wrote no screenshot to " + png);
        }
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("sirocco-chromium");
        try {
            List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage",
                    // every host name fails to resolve: a page that fetches anything from outside shows it broken
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    "--user-data-dir=" + profile));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            // stderr is chatty (dbus, GPU): drained on its own thread so it never blocks the browser
            Thread drain = Thread.ofVirtual().start(() -> {
                try {
                    p.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("Chromium did not finish within 120 s: " + cmd);
            }
            drain.join();
            if (p.exitValue() != 0) {
                throw new IOException("Chromium exited with " + p.exitValue() + ": " + cmd);
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
