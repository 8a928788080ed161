package dev.sirocco.engine.tensor.simd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes VectorDots256 and VectorDots128 from the master VectorDots512 (the species must be static constants
 * for C2 to intrinsify them, hence one class per width). Run from the sirocco-engine directory after editing
 * the master; {@code VectorDotsWidthsTest} fails while the copies are stale.
 */
public final class VectorDotsWidths {
    static final Path DIR = Path.of("src/main/java/dev/sirocco/engine/tensor/simd");

    private VectorDotsWidths() {
    }

    /** The source of the {@code bits}-wide class made from the 512-bit master source. */
    static String rewrite(String master, int bits) {
        String shorts = bits == 128 ? "64" : String.valueOf(bits / 2);
        String bytes = String.valueOf(Math.max(64, bits / 4));
        return master
                .replace("{@link VectorDots} at 512 bits. This file is the master: VectorDots256 and VectorDots128 are copies made by",
                        "{@link VectorDots} at " + bits + " bits. GENERATED from VectorDots512 (edit that, then run")
                .replace("{@code VectorDotsWidths.main} (test scope), which rewrites only the class name and the five species.",
                        "{@code VectorDotsWidths.main}, test scope): only the class name and the five species differ.")
                .replace("class VectorDots512 ", "class VectorDots" + bits + " ")
                .replace("FloatVector.SPECIES_512", "FloatVector.SPECIES_" + bits)
                .replace("IntVector.SPECIES_512", "IntVector.SPECIES_" + bits)
                .replace("DoubleVector.SPECIES_512", "DoubleVector.SPECIES_" + bits)
                .replace("ShortVector.SPECIES_256", "ShortVector.SPECIES_" + shorts)
                .replace("ByteVector.SPECIES_128", "ByteVector.SPECIES_" + bytes);
    }

    public static void main(String[] args) throws IOException {
        String master = Files.readString(DIR.resolve("VectorDots512.java"));
        for (int bits : new int[]{128, 256}) {
            Files.writeString(DIR.resolve("VectorDots" + bits + ".java"), rewrite(master, bits));
        }
    }
}
