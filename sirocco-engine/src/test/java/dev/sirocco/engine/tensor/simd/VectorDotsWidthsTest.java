package dev.sirocco.engine.tensor.simd;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

class VectorDotsWidthsTest {

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256})
    void narrowerWidthsAreUpToDateCopiesOfThe512BitMaster(int bits) throws IOException {
        String master = Files.readString(VectorDotsWidths.DIR.resolve("VectorDots512.java"));
        String copy = Files.readString(VectorDotsWidths.DIR.resolve("VectorDots" + bits + ".java"));
        assertThat(copy).as("regenerate with VectorDotsWidths.main").isEqualTo(VectorDotsWidths.rewrite(master, bits));
        assertThat(copy).contains("FloatVector.SPECIES_" + bits).doesNotContain("SPECIES_512");
    }
}
