/**
 * Training in Java over the engine's own model: LoRA fine-tuning of a frozen base in any tensor type.
 *
 * <p>Read in this order: {@code autograd.Tape} (reverse-mode differentiation: ops record backward steps),
 * {@code ops} (each op computes forward as the engine does and adds its gradient backward; one file per family),
 * {@code model.TrainingModel} (the engine's forward pass written with those ops, plus LoRA), {@code Finetuner}
 * (the loop: batches, accumulation, clipping, {@code optim.AdamW}, {@code schedule.CosineSchedule}), {@code data}
 * (chat JSONL with assistant-only loss, plain text), {@code export} (llama.cpp adapter GGUF, merged model) and
 * {@code checkpoint} (bit-identical resume).
 *
 * <p>What the tests hold it to: every op's gradient against finite differences, the whole model's along random
 * directions; the training forward equals the engine's logits (1e-6 relative); a trained adapter gives the same logits
 * in llama.cpp as in the engine; the merged model equals base + adapter; resume is bit-identical.
 */
package dev.sirocco.train;
