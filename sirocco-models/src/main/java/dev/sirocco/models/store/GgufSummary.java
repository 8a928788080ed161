package dev.sirocco.models.store;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.tensor.GgmlType;

import java.util.EnumMap;
import java.util.Map;

/** What a GGUF file says about itself that the store lists: architecture, parameter count, quantization name. */
public record GgufSummary(String architecture, long parameters, long tensorBytes, String type) {

    /** llama.cpp's llama_ftype values (include/llama.h) by the names its file names use. */
    private static final Map<Integer, String> FILE_TYPES = Map.ofEntries(
            Map.entry(0, "F32"), Map.entry(1, "F16"), Map.entry(2, "Q4_0"), Map.entry(3, "Q4_1"),
            Map.entry(7, "Q8_0"), Map.entry(8, "Q5_0"), Map.entry(9, "Q5_1"), Map.entry(10, "Q2_K"),
            Map.entry(11, "Q3_K_S"), Map.entry(12, "Q3_K_M"), Map.entry(13, "Q3_K_L"), Map.entry(14, "Q4_K_S"),
            Map.entry(15, "Q4_K_M"), Map.entry(16, "Q5_K_S"), Map.entry(17, "Q5_K_M"), Map.entry(18, "Q6_K"),
            Map.entry(19, "IQ2_XXS"), Map.entry(20, "IQ2_XS"), Map.entry(21, "Q2_K_S"), Map.entry(22, "IQ3_XS"),
            Map.entry(23, "IQ3_XXS"), Map.entry(24, "IQ1_S"), Map.entry(25, "IQ4_NL"), Map.entry(26, "IQ3_S"),
            Map.entry(27, "IQ3_M"), Map.entry(28, "IQ2_S"), Map.entry(29, "IQ2_M"), Map.entry(30, "IQ4_XS"),
            Map.entry(31, "IQ1_M"), Map.entry(32, "BF16"), Map.entry(36, "TQ1_0"), Map.entry(37, "TQ2_0"),
            Map.entry(38, "MXFP4"));

    public static GgufSummary of(GgufFile file) {
        long params = 0;
        long bytes = 0;
        Map<GgmlType, Long> bytesByType = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : file.tensorInfos()) {
            params += t.elementCount();
            bytes += t.byteSize();
            bytesByType.merge(t.type(), t.byteSize(), Long::sum);
        }
        String arch = file.metadata().getString("general.architecture", "unknown");
        long ftype = file.metadata().getLong("general.file_type", -1);
        String type = FILE_TYPES.get((int) ftype);
        if (type == null) {
            // No (known) file type: name the file by the type holding most of its bytes.
            type = bytesByType.entrySet().stream().max(Map.Entry.comparingByValue())
                    .map(e -> e.getKey().name()).orElse("unknown");
        }
        return new GgufSummary(arch, params, bytes, type);
    }
}
