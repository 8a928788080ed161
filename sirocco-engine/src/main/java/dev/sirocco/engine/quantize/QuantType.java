package dev.sirocco.engine.quantize;

import dev.sirocco.engine.tensor.GgmlType;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The file types {@code sirocco quantize} can produce: llama.cpp's {@code llama_ftype} values (include/llama.h)
 * with the default tensor type of each ({@code llama_ftype_get_default_type} in src/llama-quant.cpp).
 */
public enum QuantType {
    Q8_0("q8_0", 7, GgmlType.Q8_0),      // LLAMA_FTYPE_MOSTLY_Q8_0
    Q4_0("q4_0", 2, GgmlType.Q4_0),      // LLAMA_FTYPE_MOSTLY_Q4_0
    Q4_K_M("q4_k_m", 15, GgmlType.Q4_K), // LLAMA_FTYPE_MOSTLY_Q4_K_M
    Q5_K_M("q5_k_m", 17, GgmlType.Q5_K), // LLAMA_FTYPE_MOSTLY_Q5_K_M
    Q6_K("q6_k", 18, GgmlType.Q6_K);     // LLAMA_FTYPE_MOSTLY_Q6_K

    private final String cliName;
    private final int llamaFtype;
    private final GgmlType defaultType;

    QuantType(String cliName, int llamaFtype, GgmlType defaultType) {
        this.cliName = cliName;
        this.llamaFtype = llamaFtype;
        this.defaultType = defaultType;
    }

    /** The lower-case name used on the command line ({@code q4_k_m}). */
    public String cliName() {
        return cliName;
    }

    /** The value written to {@code general.file_type}. */
    public int llamaFtype() {
        return llamaFtype;
    }

    /** The type of a quantizable tensor that no special rule moves elsewhere. */
    public GgmlType defaultType() {
        return defaultType;
    }

    /** The type named {@code name} (case-insensitive, e.g. {@code Q4_K_M}); the message lists the valid names. */
    public static QuantType parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (QuantType t : values()) {
            if (t.cliName.equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown quantization type '" + name + "'; valid types: " + validNames());
    }

    /** "q8_0, q4_0, q4_k_m, q5_k_m, q6_k". */
    public static String validNames() {
        return Arrays.stream(values()).map(QuantType::cliName).collect(Collectors.joining(", "));
    }
}
