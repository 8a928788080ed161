/**
 * Block formats of ggml: one codec per format ({@link dev.sirocco.engine.tensor.quant.BlockCodec}),
 * bit-faithful to ggml's CPU backend.
 *
 * <p>Each codec decodes a format exactly as ggml's {@code dequantize_row_*} (ggml/src/ggml-quants.c,
 * layouts in ggml/src/ggml-common.h), encodes it, where it can, exactly as the reference
 * {@code quantize_row_*_ref} that {@code llama-quantize} runs without an importance matrix (so files we
 * write are byte-identical), and takes the dot product of a weight row with an activation row already
 * rounded to the format's companion ({@code vec_dot_type}) with the integer sums and float scaling
 * order of ggml's {@code ggml_vec_dot_*_generic}. {@link dev.sirocco.engine.tensor.quant.ActivationQuantizer}
 * rounds activations as ggml's CPU backend does on x86-64 with AVX2.
 *
 * <p>Public entry points: {@link dev.sirocco.engine.tensor.quant.Quantizer},
 * {@link dev.sirocco.engine.tensor.quant.Dequantizer}, {@link dev.sirocco.engine.tensor.quant.Codecs}.
 * All multi-byte fields are little-endian, as in GGUF files.
 */
package dev.sirocco.engine.tensor.quant;
