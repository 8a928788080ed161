/**
 * Models in, models out: the local model store ({@code store}), pulling GGUF files from the Hugging Face hub
 * ({@code hub}), converting safetensors checkpoints to GGUF ({@code convert}) and the memory check before
 * loading ({@code memory}). Depends on the engine for GGUF reading and writing; knows nothing about HTTP servers
 * or the command line.
 */
package dev.sirocco.models;
