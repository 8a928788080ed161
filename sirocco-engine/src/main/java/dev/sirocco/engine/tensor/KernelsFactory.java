package dev.sirocco.engine.tensor;

/**
 * Chooses the kernel implementation once, at start-up: the Vector API kernels when the
 * {@code jdk.incubator.vector} module is present (and not switched off), else the scalar reference,
 * with one clear warning saying which flag to add.
 */
public final class KernelsFactory {
    private KernelsFactory() {
    }

    private static volatile boolean warned;

    public static Kernels create(Parallel parallel, boolean forceScalar) {
        return create(parallel, forceScalar, 1);
    }

    /** Kernels for an engine that decodes up to {@code sequences} sequences together (they size the batch tiles). */
    public static Kernels create(Parallel parallel, boolean forceScalar, int sequences) {
        if (forceScalar) {
            return new ScalarKernels(parallel);
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            if (!warned) {
                warned = true;
                System.err.println("sirocco: WARNING: the Vector API is missing, using the slow scalar kernels; "
                        + "start the JVM with --add-modules jdk.incubator.vector (bin/sirocco does)");
            }
            return new ScalarKernels(parallel);
        }
        // The vector kernels compute the same floats as the scalar reference (VectorKernelsTest holds them to it
        // bit for bit on the block formats), so choosing them changes speed, not results.
        return dev.sirocco.engine.tensor.simd.VectorKernels.forSequences(parallel, sequences);
    }
}
