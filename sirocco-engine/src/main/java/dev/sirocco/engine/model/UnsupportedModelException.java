package dev.sirocco.engine.model;

/** A well-formed GGUF file that describes a model Sirocco cannot run (unknown architecture, missing tensor, odd shape). */
public class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
