package dev.sirocco.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlamaCppOracleTest {

    @Test
    void missingInstallationNamesBinTest(@TempDir Path dir) {
        assertThatThrownBy(() -> LlamaCppOracle.start(dir, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bin/test");
    }

    @Test
    void fileThatIsNotGgufIsRefusedAndTheOracleStaysUsable(@TempDir Path dir) throws IOException {
        Path garbage = dir.resolve("garbage.gguf");
        byte[] bytes = new byte[4096];
        new Random(7).nextBytes(bytes);
        Files.write(garbage, bytes);
        try (LlamaCppOracle oracle = LlamaCppOracle.start()) {
            assertThatThrownBy(() -> oracle.info(garbage))
                    .isInstanceOf(LlamaCppOracle.OracleException.class)
                    .hasMessageContaining("garbage.gguf");
            assertThatThrownBy(() -> oracle.tokenize(garbage, "hi", true, false))
                    .isInstanceOf(LlamaCppOracle.OracleException.class);
        }
    }
}
