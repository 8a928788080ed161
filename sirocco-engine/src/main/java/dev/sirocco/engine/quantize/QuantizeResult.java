package dev.sirocco.engine.quantize;

import java.nio.file.Path;

/** What {@link ModelQuantizer#quantize} wrote: the plan it followed and the tensor bytes before and after. */
public record QuantizeResult(Path output, QuantType type, QuantizationPlan plan, long tensorBytesBefore,
                             long tensorBytesAfter, long fileBytesBefore, long fileBytesAfter) {}
