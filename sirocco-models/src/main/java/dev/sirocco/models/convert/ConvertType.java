package dev.sirocco.models.convert;

import dev.sirocco.models.ModelRequestException;

import java.util.Locale;

/** The output types of {@code sirocco convert}, with the {@code general.file_type} (llama_ftype) each writes. */
public enum ConvertType {
    F32("f32", 0), F16("f16", 1), BF16("bf16", 32), Q8_0("q8_0", 7), Q4_K_M("q4_k_m", 15);

    private final String cliName;
    private final int llamaFtype;

    ConvertType(String cliName, int llamaFtype) {
        this.cliName = cliName;
        this.llamaFtype = llamaFtype;
    }

    public String cliName() {
        return cliName;
    }

    public int llamaFtype() {
        return llamaFtype;
    }

    public static ConvertType parse(String s) {
        for (ConvertType t : values()) {
            if (t.cliName.equals(s.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new ModelRequestException("--type " + s + " is not supported; use f32, f16, bf16, q8_0 or q4_k_m");
    }
}
