package dev.sirocco.train.checkpoint;

import java.nio.file.Path;

/**
 * When and where a run saves checkpoints, and whether it starts from the latest one in {@code dir}.
 *
 * @param every save after every {@code every} steps (0: never)
 */
public record CheckpointPolicy(Path dir, int every, boolean resume) {
    public static final CheckpointPolicy NONE = new CheckpointPolicy(null, 0, false);

    public CheckpointPolicy {
        if (every < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be 0 or more, got " + every);
        }
        if ((every > 0 || resume) && dir == null) {
            throw new IllegalArgumentException("checkpoints need a folder");
        }
    }
}
