#!/usr/bin/env bash
# Sirocco vs llama.cpp on the same GGUF files, same threads, in one run (issue #3).
#
#   bench/compare.sh [--shape llama-3.2-1b|tiny-llama] [--types "F16 Q8_0 Q4_0 Q4_K_M"] [--threads 2]
#                    [--prompt 512] [--gen 128] [--repeat 3] [--dir bench/work]
#
# 1. Builds llama.cpp's llama-bench natively from the source node-llama-cpp ships
#    (sirocco-testkit/oracle/node_modules/node-llama-cpp/llama/gitRelease.bundle), once, into the work dir.
#    AMX is compiled out: some VMs advertise amx_int8 but fault on tile instructions (SIGILL seen here).
# 2. Writes the models with our writer (random weights, the real Llama 3 vocabulary for llama-3.2-1b):
#    F16/Q8_0/Q4_0 directly, Q4_K_M by `sirocco quantize` from the F16 file (llama-quantize's mix).
# 3. Runs `bin/sirocco bench` and `llama-bench -fa 0` on each and prints tokens/s and the ratios.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
shape=llama-3.2-1b; types="F16 Q8_0 Q4_0 Q4_K_M"; threads=2; prompt=512; gen=128; repeat=3; work="$root/bench/work"
while [ $# -gt 0 ]; do
  case "$1" in
    --shape) shape=$2; shift 2 ;; --types) types=$2; shift 2 ;; --threads) threads=$2; shift 2 ;;
    --prompt) prompt=$2; shift 2 ;; --gen) gen=$2; shift 2 ;; --repeat) repeat=$2; shift 2 ;;
    --dir) work=$2; shift 2 ;;
    *) echo "compare.sh: unknown option $1 (see the header of this script)" >&2; exit 2 ;;
  esac
done
. "$root/bin/lib/jdk.sh"
sirocco_select_jdk || exit 1
mkdir -p "$work"

bundle="$root/sirocco-testkit/oracle/node_modules/node-llama-cpp/llama/gitRelease.bundle"
[ -f "$bundle" ] || { echo "compare.sh: $bundle missing; run bin/test once (it installs node-llama-cpp)" >&2; exit 1; }
bench_bin="$work/llama.cpp/build/bin/llama-bench"
if [ ! -x "$bench_bin" ]; then
  echo "compare.sh: building llama-bench (native, no AMX) in $work/llama.cpp ..." >&2
  rm -rf "$work/llama.cpp" && git clone -q "$bundle" "$work/llama.cpp"
  flags="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  cmake -S "$work/llama.cpp" -B "$work/llama.cpp/build" -DGGML_NATIVE=ON -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" -DLLAMA_CURL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF >&2
  cmake --build "$work/llama.cpp/build" --target llama-bench -j "$(nproc)" >&2
fi

(cd "$root" && ./mvnw -q -B -DskipTests -pl sirocco-cli,sirocco-testkit -am package >&2)
cp_testkit="$root/sirocco-testkit/target/sirocco-testkit-0.1.0-SNAPSHOT.jar:$root/sirocco-cli/target/lib/*"
model_for() { # type -> path of the model file, written on first use
  local t=$1 f="$work/$shape-$1.gguf"
  if [ ! -f "$f" ]; then
    if [ "$t" = Q4_K_M ]; then
      model_for F16 >/dev/null
      "$root/bin/sirocco" quantize --in "$work/$shape-F16.gguf" --out "$f" --type q4_k_m >&2
    else
      "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$cp_testkit" \
        dev.sirocco.testkit.WriteRandomModel "$shape" "$t" "$f" >&2
    fi
  fi
  echo "$f"
}

printf '%-7s %12s %12s %6s %12s %12s %6s\n' type "pp sirocco" "pp llama" ratio "tg sirocco" "tg llama" ratio
for t in $types; do
  f=$(model_for "$t")
  ours=$("$root/bin/sirocco" bench --model "$f" --threads "$threads" --prompt-tokens "$prompt" \
           --gen-tokens "$gen" --repeat "$repeat" --json 2>/dev/null)
  theirs=$(LD_LIBRARY_PATH="$work/llama.cpp/build/bin" "$bench_bin" -m "$f" -t "$threads" -fa 0 \
             -p "$prompt" -n "$gen" -r "$repeat" -o json 2>/dev/null)
  python3 - "$t" "$ours" "$theirs" <<'PY'
import json, sys
t, ours, theirs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
pp = next(r["avg_ts"] for r in theirs if r["n_prompt"] > 0 and r["n_gen"] == 0)
tg = next(r["avg_ts"] for r in theirs if r["n_gen"] > 0 and r["n_prompt"] == 0)
s_pp, s_tg = ours["prompt_tokens_per_s"], ours["gen_tokens_per_s"]
print(f"{t:7s} {s_pp:12.2f} {pp:12.2f} {s_pp/pp:6.2f} {s_tg:12.2f} {tg:12.2f} {s_tg/tg:6.2f}")
PY
done
