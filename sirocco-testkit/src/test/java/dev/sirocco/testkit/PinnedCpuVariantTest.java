package dev.sirocco.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PinnedCpuVariantTest {
    @TempDir
    Path oracle;

    private void install() throws Exception {
        Files.writeString(oracle.resolve("s.mjs"), "// script");
        Path modules = Files.createDirectories(oracle.resolve("node_modules"));
        Files.createDirectories(modules.resolve("node-llama-cpp")).resolve("package.json").toFile().createNewFile();
        Path bins = Files.createDirectories(modules.resolve("@node-llama-cpp/linux-x64/bins/linux-x64"));
        Files.writeString(modules.resolve("@node-llama-cpp/linux-x64/package.json"), "{}");
        for (String f : new String[]{"libggml-cpu-haswell.so", "libggml-cpu-zen4.so", "libggml-base.so", "llama-addon.node"}) {
            Files.writeString(bins.resolve(f), f);
        }
        Files.createDirectories(modules.resolve("@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda"))
                .resolve("llama-addon.node").toFile().createNewFile();
    }

    @Test
    void pinnedFolderLinksEverythingButTheOtherCpuVariants() throws Exception {
        install();
        Path pinnedBins;
        Path pinnedDir;
        try (PinnedCpuVariant pin = PinnedCpuVariant.prepare(oracle, "s.mjs", "haswell")) {
            assertThat(pin.pinned()).isTrue();
            pinnedDir = pin.dir();
            assertThat(pinnedDir).isNotEqualTo(oracle);
            assertThat(pinnedDir.resolve("s.mjs")).hasContent("// script");
            assertThat(Files.isSymbolicLink(pinnedDir.resolve("node_modules/node-llama-cpp"))).isTrue();
            assertThat(Files.isSymbolicLink(pinnedDir.resolve("node_modules/@node-llama-cpp/linux-x64-cuda"))).isTrue();
            assertThat(pinnedDir.resolve("node_modules/@node-llama-cpp/linux-x64/package.json")).exists();
            pinnedBins = pinnedDir.resolve("node_modules/@node-llama-cpp/linux-x64/bins/linux-x64");
            try (Stream<Path> files = Files.list(pinnedBins)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("libggml-cpu-haswell.so", "libggml-base.so", "llama-addon.node");
            }
            assertThat(pinnedBins.resolve("libggml-cpu-haswell.so")).hasContent("libggml-cpu-haswell.so");
        }
        assertThat(pinnedDir).doesNotExist();
        assertThat(oracle.resolve("node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/libggml-cpu-zen4.so")).exists();
        assertThat(oracle.resolve("node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/libggml-cpu-haswell.so")).exists();
    }

    @Test
    void bestRunsFromTheOracleFolderItself() throws Exception {
        install();
        try (PinnedCpuVariant pin = PinnedCpuVariant.prepare(oracle, "s.mjs", "best")) {
            assertThat(pin.pinned()).isFalse();
            assertThat(pin.dir()).isEqualTo(oracle);
        }
        assertThat(oracle.resolve("s.mjs")).exists();
    }

    @Test
    void anUninstalledVariantIsRejectedWithTheWayOut() throws Exception {
        install();
        assertThatThrownBy(() -> PinnedCpuVariant.prepare(oracle, "s.mjs", "icelake"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("libggml-cpu-icelake.so")
                .hasMessageContaining("best");
    }
}
