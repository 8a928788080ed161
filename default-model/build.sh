#!/usr/bin/env bash
# Rebuilds the default model, sirocco-mini, from nothing but two npm packages and this folder, with Sirocco's own
# commands. Writes every intermediate file to WORK and the result to WORK/sirocco-mini.gguf; see MODEL_CARD.md.
#   default-model/build.sh WORK [THREADS]        (about 1.5 hours on 2 busy cores)
set -euo pipefail
work=${1:?usage: build.sh WORK [THREADS]}
threads=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
sirocco="$here/../bin/sirocco"
mkdir -p "$work"

# 1. text: Moby Dick and the State of the Union addresses (the last three held out)
"$here/corpus.sh" "$work"
# 2. a 4096-token byte-level BPE vocabulary learned from that text, with ChatML and tool-call tokens
"$sirocco" train-tokenizer --data "$work/train.txt" --vocab 4096 --out "$work/tokenizer.gguf"
# 3. pretraining from scratch: 4 blocks of width 256, 4.2M parameters, 360 steps of 8 x 256 tokens
"$sirocco" train --tokenizer-from "$work/tokenizer.gguf" --data "$work/train.txt" --out "$work/pretrained.gguf" \
  --dim 256 --layers 4 --heads 4 --kv-heads 2 --ffn 768 --ctx 1024 --tied \
  --steps 360 --batch 8 --seq-len 256 --lr 2e-3 --seed 1 --threads "$threads" --json | tee "$work/pretrain.json"
# 4. instruction tuning on the chat and tool-calling set, as a LoRA adapter merged into the model
node "$here/instruct.mjs" > "$work/instruct.jsonl"
"$sirocco" finetune --model "$work/pretrained.gguf" --data "$work/instruct.jsonl" --out "$work/adapter.gguf" \
  --merge "$work/sirocco-mini-f32.gguf" --rank 64 --alpha 128 --lr 3e-3 --epochs 6 --batch 8 --seq-len 512 --seed 1 \
  --threads "$threads" --json | tee "$work/finetune.json"
# 5. 8-bit weights for serving
"$sirocco" quantize --in "$work/sirocco-mini-f32.gguf" --out "$work/sirocco-mini.gguf" --type q8_0 --threads "$threads"
# 6. scores: perplexity on the held-out addresses (pretrained and final)
"$sirocco" perplexity --model "$work/pretrained.gguf" --file "$work/heldout.txt" --ctx 256 --json | tee "$work/perplexity-pretrained.json"
"$sirocco" perplexity --model "$work/sirocco-mini.gguf" --file "$work/heldout.txt" --ctx 256 --json | tee "$work/perplexity.json"
