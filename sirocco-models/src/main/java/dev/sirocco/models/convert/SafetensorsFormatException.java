package dev.sirocco.models.convert;

import dev.sirocco.models.ModelRequestException;

import java.nio.file.Path;

/** A safetensors file that breaks the format: says which file, where and what was expected. */
public final class SafetensorsFormatException extends ModelRequestException {
    public SafetensorsFormatException(Path file, String problem) {
        super(file.getFileName() + " is not a valid safetensors file: " + problem);
    }
}
