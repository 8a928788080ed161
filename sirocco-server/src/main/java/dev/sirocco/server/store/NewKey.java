package dev.sirocco.server.store;

/** A key just created: the record as stored, and its secret, which exists only here and is shown to the user once. */
public record NewKey(StoredKey key, KeySecret secret) {
}
