/**
 * The Vector API ({@code jdk.incubator.vector}) kernels; the only package that imports it, so the engine
 * runs without the module (on {@code ScalarKernels}, with one warning from {@code KernelsFactory}).
 *
 * <p>{@link dev.sirocco.engine.tensor.simd.VectorKernels} rounds activations exactly as the scalar
 * reference does, widens them to floats once per matmul, copies weight rows to the heap in groups of about
 * 64 KiB (one bulk copy instead of a segment check on every access), and hands each weight row with one
 * activation row, or four at once (the tiled {@code *x4} kernels, which decode the weights once for the
 * four), to a {@code VectorDots} of one width: VectorDots512 is the master source, VectorDots256 and
 * VectorDots128 are generated copies (the species must be static constants for C2 to intrinsify the
 * conversions). Vector-valued helper methods are avoided in the hot loops: when C2 declines to inline one,
 * its vectors are boxed and its operations run interpreted. Integer parts of the quantized dots are exact; only float scaling and summation order
 * differ from the scalar codecs, and the lanes are summed in lane order so a result never depends on
 * whether the code was interpreted or compiled.
 *
 * <p>Timing: {@code MatvecBenchmark} (test scope) prints ns per 2048 x 2048 matvec per type, scalar vs
 * vector, one width per JVM.
 */
package dev.sirocco.engine.tensor.simd;
