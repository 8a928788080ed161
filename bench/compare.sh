#!/usr/bin/env bash
# Sirocco vs llama.cpp on the same GGUF files, same threads, in one run (issue #3).
#
#   bench/compare.sh [--shape llama-3.2-1b|tiny-llama] [--types "F16 Q8_0 Q4_0 Q4_K_M"] [--threads 2]
#                    [--prompt 512] [--gen 128] [--repeat 3] [--dir bench/work] [--markdown]
#
# 1. Builds llama.cpp's llama-bench natively from the source node-llama-cpp ships
#    (sirocco-testkit/oracle/node_modules/node-llama-cpp/llama/gitRelease.bundle), once, into the work dir.
#    AMX is compiled out: some VMs advertise amx_int8 but fault on tile instructions (SIGILL seen here).
# 2. Writes the models with our writer (random weights, the real Llama 3 vocabulary for llama-3.2-1b):
#    F16/Q8_0/Q4_0 directly, Q4_K_M by `sirocco quantize` from the F16 file (llama-quantize's mix).
# 3. Runs `bin/sirocco bench` and `llama-bench -fa 0` on each and prints, as Sirocco/llama.cpp ratios:
#    prompt processing (pp, tokens/s), decode after the prompt (tg, tokens/s at depth = prompt),
#    time to first token (the prompt's evaluation), load time and peak RSS (llama.cpp's load time is the
#    wall time of llama-bench doing one 1-token run, an upper bound), and decode as a share of the
#    machine's memory bandwidth (bench/bandwidth.c, same thread count): tg x weight bytes per token / bandwidth.
#    With --markdown, the table is printed in Markdown for docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
shape=llama-3.2-1b; types="F16 Q8_0 Q4_0 Q4_K_M"; threads=2; prompt=512; gen=128; repeat=3; work="$root/bench/work"; markdown=0
while [ $# -gt 0 ]; do
  case "$1" in
    --shape) shape=$2; shift 2 ;; --types) types=$2; shift 2 ;; --threads) threads=$2; shift 2 ;;
    --prompt) prompt=$2; shift 2 ;; --gen) gen=$2; shift 2 ;; --repeat) repeat=$2; shift 2 ;;
    --dir) work=$2; shift 2 ;; --markdown) markdown=1; shift ;;
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

cc -O3 -march=native -pthread "$root/bench/bandwidth.c" -o "$work/bandwidth"
bandwidth=$("$work/bandwidth" "$threads")
echo "compare.sh: memory read bandwidth with $threads threads: $bandwidth GB/s" >&2

rows=()
for t in $types; do
  f=$(model_for "$t")
  ours=$("$root/bin/sirocco" bench --model "$f" --threads "$threads" --prompt-tokens "$prompt" \
           --gen-tokens "$gen" --repeat "$repeat" --json 2>/dev/null)
  run_llama() { LD_LIBRARY_PATH="$work/llama.cpp/build/bin" "$bench_bin" -m "$f" -t "$threads" -fa 0 -o json "$@" 2>/dev/null; }
  pp=$(run_llama -p "$prompt" -n 0 -r "$repeat")
  tg=$(run_llama -p 0 -n "$gen" -d "$prompt" -r "$repeat")
  load=$(LD_LIBRARY_PATH="$work/llama.cpp/build/bin" /usr/bin/time -f '%e %M' "$bench_bin" -m "$f" -t "$threads" \
           -fa 0 -p 0 -n 1 -r 1 -o json 2>&1 >/dev/null | tail -1)
  rows+=("$(python3 - "$t" "$ours" "$pp" "$tg" "$load" "$bandwidth" <<'PY'
import json, sys
t, ours, pp, tg = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
load_s, rss_kb = (float(x) for x in sys.argv[5].split())
bw = float(sys.argv[6]) * 1e9
l_pp, l_tg = pp[0]["avg_ts"], tg[0]["avg_ts"]
s_pp, s_tg = ours["prompt_tokens_per_s"], ours["gen_tokens_per_s"]
l_ttft = ours["prompt_tokens"] / l_pp
rss_mib, l_rss_mib = ours["peak_rss_bytes"] / 2**20, rss_kb / 1024
share = lambda ts: ts * ours["weight_bytes_per_token"] / bw
print("|".join([t, f"{s_pp:.2f}", f"{l_pp:.2f}", f"{s_pp/l_pp:.3f}", f"{s_tg:.2f}", f"{l_tg:.2f}", f"{s_tg/l_tg:.3f}",
                f"{ours['time_to_first_token_s']:.2f}", f"{l_ttft:.2f}", f"{ours['time_to_first_token_s']/l_ttft:.2f}",
                f"{ours['load_s']:.2f}", f"{load_s:.2f}", f"{ours['load_s']/load_s:.2f}",
                f"{rss_mib:.0f}", f"{l_rss_mib:.0f}", f"{rss_mib/l_rss_mib:.2f}",
                f"{100*share(s_tg):.0f}%", f"{100*share(l_tg):.0f}%"]))
PY
)")
done

header="type|pp sirocco|pp llama|pp ratio|tg sirocco|tg llama|tg ratio|ttft sirocco s|ttft llama s|ttft ratio|load sirocco s|load llama s (upper bound)|load ratio|rss sirocco MiB|rss llama MiB|rss ratio|tg/bandwidth sirocco|tg/bandwidth llama"
if [ "$markdown" = 1 ]; then
  echo "| ${header//|/ | } |"
  echo "|$(echo "$header" | sed 's/[^|]*/ --- /g')|"
  for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
else
  { echo "$header"; printf '%s\n' "${rows[@]}"; } | column -t -s '|'
fi
