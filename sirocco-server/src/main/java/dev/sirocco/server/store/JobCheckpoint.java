package dev.sirocco.server.store;

/** The losses a job reported when it saved a training checkpoint; {@code validLoss} is null without validation data. */
public record JobCheckpoint(String id, String jobId, long step, Double trainLoss, Double validLoss, long createdMs) {
}
