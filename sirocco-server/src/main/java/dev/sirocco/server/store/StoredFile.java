package dev.sirocco.server.store;

/**
 * An uploaded file's metadata (its bytes are the file {@link FileStore#path} names).
 *
 * @param lines non-empty JSONL lines of a fine-tune file, or null for other purposes
 */
public record StoredFile(String id, String owner, String filename, String purpose, long bytes, Long lines, long createdMs) {
}
