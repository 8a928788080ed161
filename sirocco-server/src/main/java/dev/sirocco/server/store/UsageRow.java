package dev.sirocco.server.store;

import java.time.LocalDate;

/**
 * What one caller spent on one model on one UTC day.
 *
 * @param keyId   an api_keys id, or {@value UsageStore#ANONYMOUS} / {@value UsageStore#SERVER_KEY}
 * @param keyName the key's name, or null for the two callers that are not stored keys
 */
public record UsageRow(LocalDate day, String keyId, String keyName, String model, long requests, long promptTokens,
                       long completionTokens) {
}
