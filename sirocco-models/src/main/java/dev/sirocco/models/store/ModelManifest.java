package dev.sirocco.models.store;

/**
 * What the store records about one model, kept as {@code manifest.json} beside its {@code model.gguf}.
 *
 * @param id           the store id, e.g. {@code mistral-7b-instruct-v0.3:q4_k_m}
 * @param source       where it came from: {@code hf:OWNER/REPO/FILE@REVISION}, or a local path
 * @param sha256       lower-case hex SHA-256 of model.gguf
 * @param size         bytes of model.gguf
 * @param architecture {@code general.architecture}
 * @param parameters   total tensor elements
 * @param type         the file's quantization, as llama.cpp names it (Q4_K_M, F16, ...)
 * @param added        ISO-8601 instant it entered the store
 */
public record ModelManifest(String id, String source, String sha256, long size, String architecture,
                            long parameters, String type, String added) {
}
