package dev.sirocco.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes the oracle's llama.cpp load one fixed CPU backend variant instead of the best one for the machine.
 *
 * <p>The prebuilt x86-64 binaries hold one {@code libggml-cpu-<variant>.so} per CPU generation and ggml
 * loads the best the CPU supports. The AVX-512 variants take other code paths for the same model: AMX
 * kernels for Q4_0/Q4_1/Q8_0/Q4_K/Q5_K/Q6_K weights (sapphirerapids), a Q2_K repack (any AVX-512), 16-lane
 * F32 sums. Their rounding differs by ulps, which now and then flips an activation's Q8 rounding and moves
 * logits by ~1e-2 (seen on mixtral Q5_K and qwen3 Q5_1). Our engine mirrors the AVX2 + FMA code, so the
 * oracle is pinned to {@code haswell} (AVX2, FMA, F16C: every x86-64 CPU since 2013) by default.
 *
 * <p>How: a temporary folder whose {@code node_modules} links every package of the oracle's, except that
 * the {@code @node-llama-cpp/*} packages holding CPU variants are rebuilt with only the chosen variant in
 * their {@code bins}; node runs from there with {@code NODE_PRESERVE_SYMLINKS=1} so that node-llama-cpp
 * finds its binaries through the links (ggml searches the folder node-llama-cpp names). The shared install
 * is not touched.
 */
final class PinnedCpuVariant implements AutoCloseable {
    private static final String CPU_PREFIX = "libggml-cpu-";

    private final Path dir;
    private final boolean temporary;

    private PinnedCpuVariant(Path dir, boolean temporary) {
        this.dir = dir;
        this.temporary = temporary;
    }

    /**
     * The folder to run {@code script} from: {@code oracleDir} itself when {@code variant} is {@code "best"}
     * or no installed package ships CPU variants (another platform), else a pinned copy.
     *
     * @throws IllegalStateException if packages ship CPU variants but none is {@code variant}
     */
    static PinnedCpuVariant prepare(Path oracleDir, String script, String variant) {
        Path modules = oracleDir.resolve("node_modules");
        List<Path> variantPackages = variantPackages(modules);
        if (variant.equals("best") || variantPackages.isEmpty()) {
            return new PinnedCpuVariant(oracleDir, false);
        }
        String wanted = CPU_PREFIX + variant + ".so";
        boolean found = false;
        for (Path pkg : variantPackages) {
            for (Path bins : binFolders(pkg)) {
                found |= Files.isRegularFile(bins.resolve(wanted));
            }
        }
        if (!found) {
            throw new IllegalStateException("no " + wanted + " in " + variantPackages
                    + "; set -Dsirocco.oracle.cpuVariant to an installed variant, or to 'best' to let ggml choose");
        }
        try {
            Path tmp = Files.createTempDirectory("sirocco-oracle-");
            Files.copy(oracleDir.resolve(script), tmp.resolve(script), StandardCopyOption.COPY_ATTRIBUTES);
            Path linked = Files.createDirectory(tmp.resolve("node_modules"));
            try (Stream<Path> entries = Files.list(modules)) {
                for (Path e : entries.toList()) {
                    String name = e.getFileName().toString();
                    if (!name.equals("@node-llama-cpp")) {
                        Files.createSymbolicLink(linked.resolve(name), e.toAbsolutePath());
                    }
                }
            }
            Path scope = modules.resolve("@node-llama-cpp");
            if (Files.isDirectory(scope)) {
                Path linkedScope = Files.createDirectory(linked.resolve("@node-llama-cpp"));
                try (Stream<Path> pkgs = Files.list(scope)) {
                    for (Path pkg : pkgs.toList()) {
                        Path target = linkedScope.resolve(pkg.getFileName().toString());
                        if (variantPackages.contains(pkg)) {
                            copyWithOnlyVariant(pkg, target, wanted);
                        } else {
                            Files.createSymbolicLink(target, pkg.toAbsolutePath());
                        }
                    }
                }
            }
            return new PinnedCpuVariant(tmp, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the pinned llama.cpp oracle folder", e);
        }
    }

    /** The folder to start node in (holding the script and {@code node_modules}). */
    Path dir() {
        return dir;
    }

    /** Whether node must run with {@code NODE_PRESERVE_SYMLINKS=1}. */
    boolean pinned() {
        return temporary;
    }

    @Override
    public void close() {
        if (!temporary) {
            return;
        }
        // Files.walk does not follow links: this deletes the links, never what they point to.
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }

    /** The {@code @node-llama-cpp/*} packages whose {@code bins/*} folders hold {@code libggml-cpu-*.so} files. */
    private static List<Path> variantPackages(Path modules) {
        Path scope = modules.resolve("@node-llama-cpp");
        if (!Files.isDirectory(scope)) {
            return List.of();
        }
        try (Stream<Path> pkgs = Files.list(scope)) {
            return pkgs.filter(p -> binFolders(p).stream().anyMatch(PinnedCpuVariant::holdsVariants)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> binFolders(Path pkg) {
        Path bins = pkg.resolve("bins");
        if (!Files.isDirectory(bins)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(bins)) {
            return dirs.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean holdsVariants(Path binFolder) {
        try (Stream<Path> files = Files.list(binFolder)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(CPU_PREFIX));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code pkg} rebuilt at {@code target} from links, its {@code bins/*} folders without the other CPU variants. */
    private static void copyWithOnlyVariant(Path pkg, Path target, String wanted) throws IOException {
        Files.createDirectory(target);
        try (Stream<Path> entries = Files.list(pkg)) {
            for (Path e : entries.toList()) {
                String name = e.getFileName().toString();
                if (!name.equals("bins")) {
                    Files.createSymbolicLink(target.resolve(name), e.toAbsolutePath());
                }
            }
        }
        Path bins = Files.createDirectory(target.resolve("bins"));
        try (Stream<Path> entries = Files.list(pkg.resolve("bins"))) {
            for (Path e : entries.toList()) {
                Path to = bins.resolve(e.getFileName().toString());
                if (!Files.isDirectory(e)) {
                    Files.createSymbolicLink(to, e.toAbsolutePath());
                    continue;
                }
                Files.createDirectory(to);
                try (Stream<Path> files = Files.list(e)) {
                    for (Path f : files.toList()) {
                        String name = f.getFileName().toString();
                        if (!name.startsWith(CPU_PREFIX) || name.equals(wanted)) {
                            Files.createSymbolicLink(to.resolve(name), f.toAbsolutePath());
                        }
                    }
                }
            }
        }
    }
}
