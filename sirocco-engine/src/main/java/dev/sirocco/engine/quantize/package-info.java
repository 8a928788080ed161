/**
 * Model quantization as llama.cpp's {@code llama-quantize} does it without an importance matrix.
 *
 * <p>{@link dev.sirocco.engine.quantize.QuantizationPlan} decides each tensor's output type with the rules of
 * src/llama-quant.cpp (which tensors may be quantized, the per-role bumps of the _M mixes, the fallbacks for
 * row lengths a block does not divide) and the order the tensors are written in;
 * {@link dev.sirocco.engine.quantize.ModelQuantizer} streams the input's tensors through
 * {@link dev.sirocco.engine.tensor.quant.Dequantizer} and {@link dev.sirocco.engine.tensor.quant.Quantizer}
 * into a new GGUF file with the input's metadata, {@code general.file_type} and
 * {@code general.quantization_version}.
 */
package dev.sirocco.engine.quantize;
