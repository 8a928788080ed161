#!/usr/bin/env bash
# Serving throughput: Sirocco's server vs llama.cpp's llama-server on the same GGUF file, the same threads and
# the same load, in one run (issue #8).
#
#   bench/serve.sh [--type Q4_K_M] [--threads 2] [--gen 64] [--rounds 2] [--concurrency "1 4 16"]
#                  [--dir bench/work] [--markdown]
#
# For each concurrency C, each server is started with C parallel sequences (continuous batching: Sirocco's
# --parallel C, llama-server's -np C -cb, flash attention off, the same context per sequence), then
# bench/load.mjs streams chat completions from C clients at once (each `rounds` requests of `gen` tokens, greedy,
# distinct prompts) and reports aggregate generated tokens/s and the median time to first token.
# llama-server is built natively from the source node-llama-cpp ships, into the same work dir as compare.sh.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
type=Q4_K_M; threads=2; gen=64; rounds=2; levels="1 4 16"; work="$root/bench/work"; markdown=0
while [ $# -gt 0 ]; do
  case "$1" in
    --type) type=$2; shift 2 ;; --threads) threads=$2; shift 2 ;; --gen) gen=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;; --concurrency) levels=$2; shift 2 ;; --dir) work=$2; shift 2 ;;
    --markdown) markdown=1; shift ;;
    *) echo "serve.sh: unknown option $1 (see the header of this script)" >&2; exit 2 ;;
  esac
done
. "$root/bin/lib/jdk.sh"
sirocco_select_jdk || exit 1
model="$work/llama-3.2-1b-$type.gguf"
[ -f "$model" ] || { echo "serve.sh: $model missing; bench/compare.sh --types $type writes it" >&2; exit 1; }

server_bin="$work/llama.cpp/build/bin/llama-server"
if [ ! -x "$server_bin" ]; then
  [ -d "$work/llama.cpp" ] || { echo "serve.sh: run bench/compare.sh once first (it clones and configures llama.cpp)" >&2; exit 1; }
  echo "serve.sh: building llama-server (native, no AMX) in $work/llama.cpp ..." >&2
  flags="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  cmake -S "$work/llama.cpp" -B "$work/llama.cpp/build" -DGGML_NATIVE=ON -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" -DLLAMA_CURL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON >&2
  cmake --build "$work/llama.cpp/build" --target llama-server -j "$(nproc)" >&2
fi
(cd "$root" && ./mvnw -q -B -DskipTests -pl sirocco-cli -am package >&2)

per_seq=$(( 128 + gen ))   # the prompt (~70 tokens with the chat template) + the answer, rounded up
port=18431
wait_ready() { # url pid
  for _ in $(seq 1 600); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "serve.sh: the server exited before it was ready" >&2; return 1; }
    sleep 0.2
  done
  echo "serve.sh: the server was not ready in 120 s" >&2; return 1
}
measure() { # name c -> JSON line from load.mjs
  local name=$1 c=$2 pid
  if [ "$name" = sirocco ]; then
    "$root/bin/sirocco" serve --model "$model" --port $port --threads "$threads" --parallel "$c" --queue 64 \
      --ctx $per_seq >/dev/null 2>&1 &
  else
    "$server_bin" -m "$model" --port $port -t "$threads" -tb "$threads" -np "$c" -cb -c $(( per_seq * c )) \
      -fa off --no-webui >/dev/null 2>&1 &
  fi
  pid=$!
  wait_ready "http://127.0.0.1:$port/health" $pid
  node "$root/bench/load.mjs" --url "http://127.0.0.1:$port" --model "$(basename "$model" .gguf)" \
    --concurrency "$c" --gen "$gen" --rounds "$rounds"
  kill $pid; wait $pid 2>/dev/null || true
}

rows=()
for c in $levels; do
  s=$(measure sirocco "$c"); l=$(measure llama "$c")
  rows+=("$c|$s|$l")
  echo "concurrency $c: sirocco $s" >&2
  echo "concurrency $c: llama-server $l" >&2
done

field() { node -e "const o=JSON.parse(process.argv[1]); const v=o[process.argv[2]]; console.log(v===null?'n/a':(+v).toFixed(process.argv[3]))" "$1" "$2" "$3"; }
if [ $markdown = 1 ]; then
  echo "| streams | Sirocco tok/s | llama-server tok/s | ratio | Sirocco TTFT median | llama-server TTFT median |"
  echo "|---|---|---|---|---|---|"
fi
for row in "${rows[@]}"; do
  IFS='|' read -r c s l <<< "$row"
  st=$(field "$s" tokens_per_s 2); lt=$(field "$l" tokens_per_s 2)
  ratio=$(node -e "console.log((process.argv[1]/process.argv[2]).toFixed(2))" "$st" "$lt")
  sf=$(field "$s" ttft_median_ms 0); lf=$(field "$l" ttft_median_ms 0)
  if [ $markdown = 1 ]; then
    echo "| $c | $st | $lt | ${ratio}x | $sf ms | $lf ms |"
  else
    printf "streams %-3s sirocco %8s tok/s  llama-server %8s tok/s  ratio %sx  ttft median %s / %s ms\n" "$c" "$st" "$lt" "$ratio" "$sf" "$lf"
  fi
done
