package dev.sirocco.engine.runtime;

import java.nio.file.Path;

/**
 * A LoRA adapter GGUF to apply when the engine loads, at {@code scale} (llama.cpp's {@code --lora-scaled F SCALE};
 * 1 is the adapter as trained, 0 turns it off).
 */
public record AppliedLora(Path file, float scale) {

    public AppliedLora {
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("LoRA scale must be a finite number, got " + scale);
        }
    }

    /** {@code F} or {@code F:SCALE}, as the CLI's {@code --lora} takes it; the scale defaults to 1. */
    public static AppliedLora parse(String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon > 0) {
            String tail = spec.substring(colon + 1);
            try {
                return new AppliedLora(Path.of(spec.substring(0, colon)), Float.parseFloat(tail));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--lora " + spec + ": the scale after ':' must be a number, got '" + tail + "'");
            }
        }
        return new AppliedLora(Path.of(spec), 1f);
    }
}
