#!/usr/bin/env bash
# Training throughput against the peak of our own matrix kernels, in one run (issue #4, "Measured").
#
#   bench/train.sh [--threads 2] [--dir bench/work] [--data TEXT]
#                  [--lora-types "Q4_K_M F16"] [--lora-steps 3] [--lora-batch 1] [--lora-seq 128] [--rank 8]
#                  [--demo-shape "DIM LAYERS HEADS KV_HEADS FFN VOCAB"] [--demo-model M.gguf]
#                  [--demo-steps 10] [--demo-batch 4] [--demo-seq 256] [--markdown] [--table-only]
#
# --lora-types defaults to Q4_K_M alone (F16 adds ~5 minutes on 2 busy cores: its forward kernel is slow).
# --table-only prints the table of the last run again (from DIR/train-bench), e.g. with --markdown for the docs.
# --lora-seq defaults to 128 positions: at 256 the 1B model's activations pass half of the default heap and
# checkpointing turns itself on (recomputation the FLOP count does not credit).
#
# 1. Peak, right before each training run (the load on a shared machine changes by the minute): the GFLOP/s of the
#    training module's own matrix products (ops.Matmuls, the code path training runs) on large shapes, same threads:
#    a dense F32 product forward (x W^T) and backward (dx = dy W, dW = dy^T x), and the frozen-weight (LoRA/QLoRA)
#    path over a real layer of each LoRA base: forward through the engine's kernel for that type, backward dx through
#    the gemm with a cached F32 copy of W (bench/jmh: dev.sirocco.bench.TrainingKernels).
# 2. LoRA on the 1B-shaped model (llama-3.2-1b-TYPE.gguf in the work dir, random weights and the real Llama 3
#    vocabulary, written as compare.sh writes them when missing): `sirocco finetune --format text`, every projection
#    adapted (rank --rank). Q4_K_M is QLoRA.
# 3. Full training of the demo-shaped model: `sirocco train` from scratch with the shape given (the tokenizer is a
#    VOCAB-token cut of the Llama 3 byte-level BPE, written by TrainingKernels), or `--init-from` a given model.
#
# Tokens/s is the steady rate: the first step (JIT warm-up, dequantizing frozen weights to F32) is left out, computed
# from the CLI's cumulative rate after step 1 and after the last step (every step trains the same number of positions:
# text windows of --seq-len + 1 tokens, so n = seq-len positions).
# FLOPs per trained position, counted analytically (n positions per sequence; P = the matrix weights a position
# passes through: L (dim*q + 2 dim*kv + q*dim + 3 dim*ffn) + dim*vocab; A = L * 4 * heads * headDim * (n + 1) / 2,
# the causal attention's q.k and p.v products forward):
#    full training  6 P + 3 A                       (forward 2P + A; backward 2P for dx, 2P for dW, 2A)
#    LoRA           4 P + 3 A + 6 r L sum(in + out)  (frozen weights: forward 2P, backward dx only 2P; the factors)
# Achieved GFLOP/s = tokens/s x FLOPs per token; the ratio divides it by the peak of the kernels that run uses:
# full training by the dense F32 peak (forward and backward weighted 1:2 as in 6P), LoRA by the frozen path of its
# base type (forward and backward 1:1). Peak memory is the process's maximum resident set (/usr/bin/time).
# The 1-minute load average before and after each measurement is printed: other work on the machine slows both.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
threads=2; work="$root/bench/work"; data=""; lora_types="Q4_K_M"; lora_steps=3; lora_batch=1; lora_seq=128; rank=8
demo_shape="384 6 6 2 1024 8192"; demo_model=""; demo_steps=10; demo_batch=4; demo_seq=256; markdown=0; table_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=$2; shift 2 ;; --dir) work=$2; shift 2 ;; --data) data=$2; shift 2 ;;
    --lora-types) lora_types=$2; shift 2 ;; --lora-steps) lora_steps=$2; shift 2 ;; --lora-batch) lora_batch=$2; shift 2 ;;
    --lora-seq) lora_seq=$2; shift 2 ;; --rank) rank=$2; shift 2 ;;
    --demo-shape) demo_shape=$2; shift 2 ;; --demo-model) demo_model=$2; shift 2 ;; --demo-steps) demo_steps=$2; shift 2 ;;
    --demo-batch) demo_batch=$2; shift 2 ;; --demo-seq) demo_seq=$2; shift 2 ;; --markdown) markdown=1; shift ;;
    --table-only) table_only=1; shift ;;
    *) echo "train.sh: unknown option $1 (see the header of this script)" >&2; exit 2 ;;
  esac
done
. "$root/bin/lib/jdk.sh"
sirocco_select_jdk || exit 1
mkdir -p "$work"
out="$work/train-bench"
if [ "$table_only" = 0 ]; then
  rm -rf "$out" && mkdir -p "$out"
  echo "$rank $lora_seq $demo_seq $lora_types" > "$out/params"

  (cd "$root" && ./mvnw -q -B -DskipTests -pl sirocco-cli,sirocco-testkit,bench/jmh -am package >&2)
  java_cp() { "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$@" 2>/dev/null; }
  bench_cp="$root/bench/jmh/target/sirocco-bench-0.1.0-SNAPSHOT.jar:$root/bench/jmh/target/lib/*"
  model_for() { # type -> path of the 1B-shaped model file, written on first use (as compare.sh does)
    local t=$1 f="$work/llama-3.2-1b-$1.gguf"
    if [ ! -f "$f" ]; then
      if [ "$t" = Q4_K_M ]; then
        model_for F16 >/dev/null
        "$root/bin/sirocco" quantize --in "$work/llama-3.2-1b-F16.gguf" --out "$f" --type q4_k_m >&2
      else
        java_cp "$root/sirocco-testkit/target/sirocco-testkit-0.1.0-SNAPSHOT.jar:$root/sirocco-cli/target/lib/*" \
          dev.sirocco.testkit.WriteRandomModel llama-3.2-1b "$t" "$f" >&2
      fi
    fi
    echo "$f"
  }
  load1() { cut -d' ' -f1 /proc/loadavg; }

  if [ -z "$data" ]; then # English prose that ships with the repository
    data="$out/text.txt"
    cat "$root"/README.md "$root"/docs/*.md > "$data"
  fi

  # 1. peak: measured right before each training run (the machine's load changes by the minute), over a layer of
  #    the run's LoRA base (ffn_up: 2048 -> 8192 on the 1B shape) or dense F32 alone for full training
  echo "train.sh: peak matmul GFLOP/s with $threads threads before each run ..." >&2
  peak() { # NAME [MODEL.gguf]: $out/NAME.peak
    local l0; l0=$(load1)
    java_cp "$bench_cp" dev.sirocco.bench.TrainingKernels peak "$threads" 256 2048 2048 ${2:+"$2" blk.0.ffn_up.weight} > "$out/$1.peak"
    echo "{\"load\": \"$l0 -> $(load1)\"}" >> "$out/$1.peak"
  }

  # Runs a training command with wall-clock peak memory and the load around it; its stderr (progress) and stdout
  # (--json) go to $out/NAME.err and $out/NAME.json.
  measure() {
    local name=$1; shift
    echo "train.sh: $name ..." >&2
    local l0; l0=$(load1)
    /usr/bin/time -o "$out/$name.time" -f '%e %M' "$@" > "$out/$name.json" 2> "$out/$name.err"
    echo "$l0 -> $(load1)" > "$out/$name.load"
  }

  # 2. LoRA on the 1B shape
  for t in $lora_types; do
    peak "lora-$t" "$(model_for "$t")"
    measure "lora-$t" "$root/bin/sirocco" finetune --model "$(model_for "$t")" --format text --data "$data" \
      --out "$out/lora-$t.gguf" --steps "$lora_steps" --batch "$lora_batch" --seq-len "$lora_seq" --rank "$rank" \
      --threads "$threads" --json
    echo "$(model_for "$t")" > "$out/lora-$t.model"
  done

  # 3. full training of the demo shape
  peak demo
  if [ -n "$demo_model" ]; then
    measure demo "$root/bin/sirocco" train --init-from "$demo_model" --data "$data" --out "$out/demo.gguf" \
      --steps "$demo_steps" --batch "$demo_batch" --seq-len "$demo_seq" --threads "$threads" --json
  else
    read -r dim layers heads kv ffn vocab <<< "$demo_shape"
    java_cp "$bench_cp" dev.sirocco.bench.TrainingKernels tokenizer "$(model_for "${lora_types%% *}")" "$vocab" "$out/tokenizer.gguf"
    measure demo "$root/bin/sirocco" train --tokenizer-from "$out/tokenizer.gguf" --dim "$dim" --layers "$layers" \
      --heads "$heads" --kv-heads "$kv" --ffn "$ffn" --data "$data" --out "$out/demo.gguf" \
      --steps "$demo_steps" --batch "$demo_batch" --seq-len "$demo_seq" --threads "$threads" --json
  fi
  echo "$out/demo.gguf" > "$out/demo.model"

  for f in "$out"/*.model; do
    "$root/bin/sirocco" inspect --model "$(cat "$f")" --json 2>/dev/null > "${f%.model}.inspect"
  done

fi

python3 - "$out" "$markdown" <<'PY'
import json, os, re, sys
out, markdown = sys.argv[1], sys.argv[2] == "1"
rank, lora_seq, demo_seq, *lora_types = open(f"{out}/params").read().split()
rank, lora_seq, demo_seq = int(rank), int(lora_seq), int(demo_seq)
def peaks_of(name):
    peaks, load = [], ""
    for line in open(f"{out}/{name}.peak"):
        j = json.loads(line)
        if "load" in j: load = j["load"]
        else: peaks.append(j)
    return peaks, load
def peak(peaks, op_prefix, type_):
    return next(p["gflops"] for p in peaks if p["op"].startswith(op_prefix) and p["type"] == type_)

def shape(name):
    m = json.load(open(f"{out}/{name}.inspect"))["metadata"]
    a = m["general.architecture"]
    g = lambda k, d=None: m.get(f"{a}.{k}", d)
    dim, layers, heads = g("embedding_length"), g("block_count"), g("attention.head_count")
    kv, ffn = g("attention.head_count_kv", heads), g("feed_forward_length")
    hd = g("attention.key_length", dim // heads)
    vocab = g("vocab_size") or json.load(open(f"{out}/{name}.inspect"))["metadata"]["tokenizer.ggml.tokens"]["length"]
    return dim, layers, heads, kv, ffn, hd, vocab

def flops(name, kind, n):
    dim, layers, heads, kv, ffn, hd, vocab = shape(name)
    q, kvd = heads * hd, kv * hd
    P = layers * (dim * q + 2 * dim * kvd + q * dim + 3 * dim * ffn) + dim * vocab
    A = layers * 4 * heads * hd * (n + 1) / 2
    if kind == "full":
        return 6 * P + 3 * A
    lora_io = layers * ((dim + q) + 2 * (dim + kvd) + (q + dim) + 2 * (dim + ffn) + (ffn + dim))
    return 4 * P + 3 * A + 6 * rank * lora_io

def steady(name):
    rates = [float(m.group(1)) for m in re.finditer(r"step \d+/\d+ .*?([\d.]+) tok/s", open(f"{out}/{name}.err").read())]
    j = json.loads(open(f"{out}/{name}.json").read().strip().splitlines()[-1])
    n = len(rates)
    if n < 2:
        return j["tokens_per_s"], j
    # cumulative rate r_k = k T / t_k: the time of steps 2..N is N T / r_N - T / r_1
    return (n - 1) / (n / rates[-1] - 1 / rates[0]), j

rows = []
ptable = [["before", "kernel", "type", "shape (tokens x in -> out)", "GFLOP/s", "load (1 min) before -> after"]]
runs = [(f"lora-{t}", "lora", lora_seq, f"LoRA r{rank} on 1B-shaped {t}" + (" (QLoRA)" if t.startswith("Q") else "")) for t in lora_types]
runs.append(("demo", "full", demo_seq, "full training, demo shape"))
for name, kind, n, label in runs:
    if not os.path.exists(f"{out}/{name}.json") or not open(f"{out}/{name}.json").read().strip():
        rows.append([label, "failed: see " + f"{out}/{name}.err"] + [""] * 8); continue
    tps, j = steady(name)
    f = flops(name, kind, n)
    peaks, load = peaks_of(name)
    ptable += [[label, p["op"], p["type"], p["shape"], f"{p['gflops']:.2f}", load] for p in peaks]
    if kind == "full":
        fwd, bwd = peak(peaks, "dense forward", "F32"), peak(peaks, "dense backward", "F32")
        ref = 3 / (1 / fwd + 2 / bwd)
    else:
        fwd, bwd = peak(peaks, "frozen forward", peaks[-1]["type"]), peak(peaks, "frozen backward dx=dy.W (cached", peaks[-1]["type"])
        ref = 2 / (1 / fwd + 1 / bwd)
    secs, kb = open(f"{out}/{name}.time").read().split()
    dim, layers, heads, kv, ffn, hd, vocab = shape(name)
    rows.append([label, f"{dim}x{layers}L ffn {ffn} vocab {vocab}", f"{n}", f"{tps:.2f}", f"{f/1e9:.3f}",
                 f"{tps*f/1e9:.2f}", f"{ref:.2f}", f"{100*tps*f/1e9/ref:.0f}%", f"{int(kb)/1024:.0f}",
                 open(f"{out}/{name}.load").read().strip()])

header = ["run", "shape", "positions/seq", "tokens/s", "GFLOP/token", "achieved GFLOP/s", "peak GFLOP/s", "achieved/peak", "peak RSS MiB", "load (1 min) before -> after"]
def show(table):
    if markdown:
        print("| " + " | ".join(table[0]) + " |"); print("|" + " --- |" * len(table[0]))
        for r in table[1:]: print("| " + " | ".join(r) + " |")
    else:
        w = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
        for r in table: print("  ".join(c.ljust(w[i]) for i, c in enumerate(r)))
print("peak matmul, measured right before each run:"); show(ptable); print()
show([header] + rows)
PY
