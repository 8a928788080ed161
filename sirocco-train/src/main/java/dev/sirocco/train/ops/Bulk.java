package dev.sirocco.train.ops;

import dev.sirocco.engine.tensor.BulkMath;

/** The engine's bulk float math (vector exp and max) that the ops share, chosen once as the kernels are. */
final class Bulk {
    /** Vector exp and max. */
    static final BulkMath MATH = BulkMath.create(false);

    private Bulk() {
    }
}
